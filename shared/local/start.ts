import { DEFAULT_LOCAL_PORT, localDataDir, startLocalSystem } from './system';

/**
 * `npm start`: the whole system on embedded defaults — page, functions, scheduler and the E*TRADE
 * simulator (or real E*TRADE when ETRADE_CONSUMER_KEY/SECRET are set). Prints where to go.
 */
async function main(): Promise<void> {
  const port = portSetting('PORT', DEFAULT_LOCAL_PORT);
  const simPort = portSetting('SIM_PORT', 8089);
  const system = await startLocalSystem({
    port,
    simPort,
    dataDir: localDataDir(process.env),
    schedule: true,
  });
  const say = (line = '') => process.stdout.write(`${line}\n`);
  say(`etrade-oauth is running on ${system.url}`);
  say(
    system.simulator
      ? `E*TRADE simulator: ${system.simulator.url}`
      : 'E*TRADE: real (consumer key from the environment)',
  );
  say();
  say('Sign in to the token page (single use, 30 minutes):');
  say(`  ${await system.loginLink()}`);
  say('More links: POST /login-link (printed here, the local "chat").');
  say(`API key for machine clients: stored in ${localDataDir(process.env)}/api-key`);
  say('Keep-alive runs every 15 minutes; on trading days the reminder at 08:30 ET, escalation at 09:15.');
  say('Telegram too: set TELEGRAM_CHAT_ID and the bot token secret (TELEGRAM_API_ROOT: a local Bot API).');
  say('Ctrl-C stops.');
  const stop = () => void system.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new TypeError(`${name} must be a port number, got "${raw}"`);
  return port;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

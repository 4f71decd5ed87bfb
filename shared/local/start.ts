import { DEFAULT_SIM_PORT } from '../cli/pinFlow';
import { EtradeSimulator } from '../simulator';

/**
 * `npm start`: the local system on embedded defaults. For now it is the E*TRADE simulator, which
 * stands in for E*TRADE so no keys are needed; the functions and the page join it as they land.
 */
export async function startLocalSystem(port = DEFAULT_SIM_PORT): Promise<EtradeSimulator> {
  const simulator = new EtradeSimulator({ port });
  await simulator.start();
  return simulator;
}

async function main(): Promise<void> {
  const port = process.env.SIM_PORT === undefined ? DEFAULT_SIM_PORT : Number(process.env.SIM_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`SIM_PORT must be a port number, got "${process.env.SIM_PORT}"`);
  }
  const simulator = await startLocalSystem(port);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`E*TRADE simulator listening on ${simulator.url}`);
  say('Walk the PIN flow in another terminal:  npm run pin-flow');
  say('Press Ctrl-C to stop.');
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

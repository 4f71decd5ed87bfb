import { createServer } from 'node:net';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalSystem, type LocalSystem } from '../../shared/local/system';
import { ManualClock } from '../../shared/ports/clock';
import { DEMO_CONSUMER, SAMPLE_ACCOUNTS } from '../../shared/simulator';
import { RecordingNotifier } from '../support/recordingNotifier';
import { loginAndReadPin } from '../support/simulatedEtrade';
import { ANSI, type CliRun, type RunOptions, runCli } from './cliHarness';

/**
 * The command line end to end: the whole local system (gateway + functions + simulator) in this
 * process, and `main(argv, io)` run against it in both modes, as a person or a script would.
 */
describe('etrade-oauth command line against the local system', () => {
  let dir: string;
  let dataDir: string;
  let system: LocalSystem;
  const clock = new ManualClock('2026-11-25T13:00:00Z'); // Wed 08:00 ET
  const notices = new RecordingNotifier();
  const outputs: string[] = [];

  beforeAll(async () => {
    // The system's own JSON log lines (console stand-in) would bury the test report: keep them aside.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    dir = await mkdtemp(join(tmpdir(), 'etrade-oauth-cli-'));
    dataDir = join(dir, 'data');
    system = await startLocalSystem({ port: 0, simPort: 0, dataDir, clock, notifier: notices, env: {} });
  });
  afterAll(async () => {
    await system.close();
    await rm(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  const remoteEnv = () => ({ ETRADE_OAUTH_URL: system.url, ETRADE_OAUTH_API_KEY: system.apiKey });
  const localEnv = () => ({
    LOCAL_DATA_DIR: dataDir,
    SIM_PORT: new URL(system.simulator!.url).port,
    PAGE_URL: system.url,
  });

  async function cli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
    const run = await runCli(argv, { clock, ...options, env: { ...remoteEnv(), ...options.env } });
    outputs.push(run.stdout, run.stderr);
    return run;
  }
  const local = (argv: string[], options: RunOptions = {}) =>
    cli([...argv, '--local'], { ...options, env: { ...localEnv(), ...options.env } });
  const typePin = async (url: string) => loginAndReadPin(url);

  describe('usage', () => {
    it('prints the usage for --help (exit 0) and on stderr for no command at all (exit 2)', async () => {
      const help = await cli(['--help']);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/^Usage: etrade-oauth <command>/);
      expect(help.stdout).toMatch(/4 network or service unavailable/);
      const none = await cli([]);
      expect(none).toMatchObject({ code: 2, stdout: '' });
      expect(none.stderr).toMatch(/^Usage:/);
    });

    it.each([
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['login'], /"login" needs <connection>/],
      [['status', 'extra'], /"status" takes no arguments/],
      [['balance', 'prod', 'a', 'b'], /takes <connection> \[accountIdKey\]/],
      [['status', '--force'], /--force is not an option of "status"/],
      [['calendar', '--days', '0'], /--days must be a whole number from 1 to 365/],
      [['calendar', '--days', 'x'], /--days must be a whole number/],
      [['status', '--bogus'], /Unknown option '--bogus'/],
      [['status', '--url', 'http://127.0.0.1:1', '--local'], /--url and --local cannot be used together/],
    ])('%j is a usage error: exit 2, the reason on stderr', async (argv, reason) => {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).toMatch(/\[ERR_USAGE\]/);
    });

    it('with --json, even a usage error is one JSON document on stdout', async () => {
      const run = await cli(['calendar', '--days', 'x', '--json']);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toEqual({
        error: { code: 'ERR_USAGE', message: expect.stringMatching(/--days/), exitCode: 2 },
      });
    });
  });

  describe('remote mode (the HTTP API with the API key)', () => {
    it('status --json: one document, every connection, exit 0', async () => {
      const run = await cli(['status', '--json']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const report = JSON.parse(run.stdout);
      expect(report.connections.map((c: { id: string; state: string }) => [c.id, c.state])).toEqual([
        ['prod', 'missing'],
        ['sandbox', 'missing'],
      ]);
      expect(report.nextMorningAlert).toBe('2026-11-25T13:30:00.000Z');
    });

    it('a wrong API key is exit 3, and so is none at all', async () => {
      const wrong = await cli(['status'], { env: { ETRADE_OAUTH_API_KEY: 'eto_not-the-key-0123456789' } });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/\[ERR_UNAUTHENTICATED\]/);
      const none = await cli(['status', '--json'], { env: { ETRADE_OAUTH_API_KEY: undefined } });
      expect(none.code).toBe(3);
      expect(JSON.parse(none.stdout).error.code).toBe('ERR_API_KEY_MISSING');
    });

    it('reads the key from --api-key-file, warning when others can read the file', async () => {
      const file = join(dir, 'api-key');
      await writeFile(file, `${system.apiKey}\n`, { mode: 0o600 });
      const ok = await cli(['status', '--api-key-file', file], { env: { ETRADE_OAUTH_API_KEY: undefined } });
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      await chmod(file, 0o644);
      const loose = await cli(['status', '--api-key-file', file], {
        env: { ETRADE_OAUTH_API_KEY: undefined },
      });
      expect(loose.code).toBe(0);
      expect(loose.stderr).toMatch(/readable by other users; chmod 600/);
      const missing = await cli(['status', '--api-key-file', join(dir, 'nope')]);
      expect(missing.code).toBe(3);
    });

    it('refuses to send the key over plain http to anything but loopback (exit 3)', async () => {
      const run = await cli(['status', '--url', 'http://tokens.example.com']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/plain http to tokens\.example\.com.*\[ERR_BAD_URL\]/);
    });

    it('a server that is down is exit 4', async () => {
      const port = await closedPort();
      const run = await cli(['status', '--url', `http://127.0.0.1:${port}`]);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(
        /No answer from http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) \[ERR_UNREACHABLE\]/,
      );
    });

    it('an unknown connection is exit 2', async () => {
      const run = await cli(['login', 'nope']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/There is no connection with that name\. \[ERR_UNKNOWN_CONNECTION\]/);
    });

    it('login prod: prints the URL first, reads the PIN from stdin, stores generation 1', async () => {
      const run = await cli(['login', 'prod'], { answer: typePin });
      expect(run.code).toBe(0);
      const urlAt = run.stdout.indexOf('/e/t/etws/authorize?key=');
      expect(urlAt).toBeGreaterThan(0);
      expect(urlAt).toBeLessThan(run.stdout.indexOf('PIN: '));
      expect(run.stdout).toMatch(/Token stored for prod: generation 1, 2 open account\(s\)\./);
      expect(run.stdout).toMatch(/Valid until midnight ET \(in 16 h\)/);
      expect(run.stdout).not.toMatch(/▄/); // no QR code in a pipe
      expect(notices.ofKind('renewal.succeeded', 'prod')).toHaveLength(1);
    });

    it('login --json: prompts on stderr, a wrong PIN asks again, stdout is the one result document', async () => {
      const run = await cli(['login', 'prod', '--json'], {
        answer: async (url, prompt) => (prompt === 1 ? 'ZZZZ9' : loginAndReadPin(url)),
      });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        connectionId: 'prod',
        generation: 2,
        accounts: 2,
        warnings: [],
      });
      expect(run.stderr).toMatch(/authorize\?key=/);
      expect(run.stderr).toMatch(
        /E\*TRADE did not accept that PIN\. Check it and try again\. \(4 tries left\)/,
      );
    });

    it('a wrong PIN and then the end of stdin is exit 1 with E*TRADE’s verdict', async () => {
      const run = await cli(['login', 'prod'], {
        answer: async (_url, prompt) => (prompt === 1 ? 'zzzz9' : undefined),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/\[ERR_VERIFIER_REJECTED\]/);
    });

    it('draws a QR code of the authorize URL on a terminal', async () => {
      const run = await cli(['login', 'sandbox'], { answer: typePin, stdoutTty: true });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/▄▄▄▄▄▄▄▄▄▄/);
      const noQr = await cli(['login', 'sandbox', '--no-qr'], { answer: typePin, stdoutTty: true });
      expect(noQr.stdout).not.toMatch(/▄▄▄▄▄▄▄▄▄▄/);
    });

    it('status for people: no colours in a pipe, colours on a terminal unless NO_COLOR or --no-color', async () => {
      const piped = await cli(['status']);
      expect(piped.code).toBe(0);
      expect(piped.stdout).not.toMatch(ANSI);
      expect(piped.stdout).toMatch(/^prod +Live +active +generation 2 · expires midnight ET \(in 16 h\)/m);
      expect(piped.stdout).toMatch(/keep-alive: not run yet · next due 09:30 ET/);
      const tty = await cli(['status'], { stdoutTty: true });
      expect(tty.stdout).toMatch(ANSI);
      expect(tty.stdout).toContain('\u001b[32mactive');
      expect((await cli(['status'], { stdoutTty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
      expect((await cli(['status', '--no-color'], { stdoutTty: true })).stdout).not.toMatch(ANSI);
      expect((await cli(['status', '--json'], { stdoutTty: true })).stdout).not.toMatch(ANSI);
    });

    it('shows a spinner on stderr only when stderr is a terminal', async () => {
      const quiet = await cli(['status']);
      expect(quiet.stderr).toBe('');
      const tty = await cli(['status', '--json'], { stderrTty: true });
      expect(tty.stderr).toMatch(/⠋ Reading the status…/);
      expect(tty.stderr.endsWith('\r\u001b[2K')).toBe(true);
      expect(() => JSON.parse(tty.stdout)).not.toThrow();
    });

    it('keepalive shows each connection’s health; --force runs one now', async () => {
      const health = await cli(['keepalive', '--json']);
      expect(health.code).toBe(0);
      expect(JSON.parse(health.stdout).connections[0]).toMatchObject({ id: 'prod', state: 'active' });
      clock.advance(10 * 60_000);
      const forced = await cli(['keepalive', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/^ {2}prod +touched$/m);
      expect(forced.stdout).toMatch(/touched 2/);
    });

    it('accounts, balance and revoke need local mode: exit 2, saying why', async () => {
      for (const argv of [
        ['accounts', 'prod'],
        ['balance', 'prod'],
        ['revoke', 'prod'],
      ]) {
        const run = await cli(argv);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/never hands out: run it in local mode \(--local\).*\[ERR_NEEDS_LOCAL\]/);
      }
    });

    it('login-link asks the API to send a link to the chat', async () => {
      const run = await cli(['login-link'], { env: { ETRADE_OAUTH_API_KEY: undefined } });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/sign-in link is on its way/);
      expect(notices.ofKind('login.link')).toHaveLength(1);
    });
  });

  describe('a wrong code, as E*TRADE and other servers answer it', () => {
    afterEach(() => system.simulator!.answerWrongVerifierWith('token_rejected'));
    const wrongTwiceThenRight = async (url: string, prompt: number) =>
      prompt <= 2 ? `ZZZZ${prompt}` : loginAndReadPin(url);

    it.each([
      ['remote', 'bare401'],
      ['remote', 'token_rejected'],
      ['local', 'bare401'],
      ['local', 'token_rejected'],
    ] as const)(
      '%s, a server answering with %s: the CLI asks again with the tries left, then renews',
      async (mode, form) => {
        system.simulator!.answerWrongVerifierWith(form);
        const before = (await system.ctx.ledger.get('sandbox')).generation;
        const run = await (mode === 'remote' ? cli : local)(['login', 'sandbox'], {
          answer: wrongTwiceThenRight,
        });
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(run.stdout.split('PIN: ')).toHaveLength(4);
        expect(run.stdout).toMatch(
          /PIN: \nE\*TRADE did not accept that PIN\. Check it and try again\. \(4 tries left\)\nPIN: \nE\*TRADE did not accept that PIN\. Check it and try again\. \(3 tries left\)\nPIN: /,
        );
        expect(run.stdout).toMatch(new RegExp(`Token stored for sandbox: generation ${before + 1},`));
        expect(notices.ofKind('renewal.failed')).toEqual([]);
      },
    );

    it('five wrong codes spend the login: "1 try left", then exit 1 with no sixth prompt', async () => {
      system.simulator!.answerWrongVerifierWith('bare401');
      const run = await cli(['login', 'sandbox'], { answer: async (_url, prompt) => `ZZZZ${prompt}` });
      expect(run.code).toBe(1);
      expect(run.stdout.split('PIN: ')).toHaveLength(6);
      expect(run.stdout).toMatch(/\(1 try left\)\nPIN: \n$/);
      expect(run.stderr).toMatch(/did not accept that PIN.*\[ERR_VERIFIER_REJECTED\]/);
      expect(notices.ofKind('renewal.failed')).toEqual([]);
    });
  });

  describe('local mode (the stores directly)', () => {
    it('accounts lists the open accounts with the stored token', async () => {
      const run = await local(['accounts', 'prod', '--json']);
      expect(run.code).toBe(0);
      const answer = JSON.parse(run.stdout);
      expect(answer).toMatchObject({ connectionId: 'prod', generation: 2 });
      expect(answer.accounts.map((a: { accountIdKey: string }) => a.accountIdKey)).toEqual(
        SAMPLE_ACCOUNTS.filter((a) => a.accountStatus !== 'CLOSED').map((a) => a.accountIdKey),
      );
      const human = await local(['accounts', 'prod']);
      expect(human.stdout).toMatch(/^prod \(generation 2\): 2 open account\(s\)\n {2}84010429 +Brokerage/);
    });

    it('balance shows every open account, or the one asked for; the usage reaches the ledger', async () => {
      const all = await local(['balance', 'prod']);
      expect(all.code).toBe(0);
      expect(all.stdout).toMatch(/84010429 Brokerage: total \$152,340\.17 · cash buying power \$20,480\.50/);
      expect(all.stdout).toMatch(/84010430 Roth IRA: total \$61,002\.90/);
      const one = await local(['balance', 'prod', SAMPLE_ACCOUNTS[1].accountIdKey, '--json']);
      expect(JSON.parse(one.stdout).balances).toEqual([
        expect.objectContaining({ accountId: '84010430', totalAccountValue: 61_002.9 }),
      ]);
      expect((await system.ctx.ledger.get('prod')).lastUsedAt).toEqual(clock.now());
    });

    it('an unknown connection is exit 2 here too', async () => {
      const run = await local(['accounts', 'nope']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Unknown connection; configured: prod, sandbox \[ERR_UNKNOWN_CONNECTION\]/);
    });

    it('login writes the same stores the running system reads', async () => {
      const before = (await system.ctx.ledger.get('sandbox')).generation;
      const run = await local(['login', 'sandbox'], { answer: typePin });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`generation ${before + 1}`));
      const status = JSON.parse((await cli(['status', '--json'])).stdout);
      expect(status.connections[1]).toMatchObject({ id: 'sandbox', state: 'active', generation: before + 1 });
    });

    it('revoke revokes at E*TRADE and records it; again is a no-op; the dead token then fails with exit 1', async () => {
      const run = await local(['revoke', 'prod']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/prod generation 2: revoked at E\*TRADE/);
      const status = JSON.parse((await cli(['status', '--json'])).stdout);
      expect(status.connections[0]).toMatchObject({ id: 'prod', state: 'revoked' });
      const again = await local(['revoke', 'prod', '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'already-revoked' });
      const dead = await local(['accounts', 'prod']);
      expect(dead.code).toBe(1);
      expect(dead.stderr).toMatch(
        /E\*TRADE no longer accepts this login\. Log in again\. \[ERR_TOKEN_REJECTED\]/,
      );
    });

    it('login-link prints a sign-in link to the page', async () => {
      const run = await local(['login-link']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^ {2}${system.url}/\\S*\\?t=\\S+$`, 'm'));
    });

    it('E*TRADE out of reach is exit 4', async () => {
      const run = await local(['accounts', 'sandbox'], { env: { SIM_PORT: String(await closedPort()) } });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/\[ERR_TRANSIENT\]/);
    });
  });

  it('never printed a token, a token secret, the consumer secret or the API key', async () => {
    const secrets = [DEMO_CONSUMER.secret, system.apiKey];
    const vault = join(dataDir, 'vault');
    for (const file of await readdir(vault)) {
      const stored = JSON.parse(await readFile(join(vault, file), 'utf8')) as {
        versions: { pair: { token: string; secret: string } }[];
      };
      for (const { pair } of stored.versions)
        secrets.push(pair.token, pair.secret, encodeURIComponent(pair.token));
    }
    expect(secrets.length).toBeGreaterThan(6);
    const everything = outputs.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

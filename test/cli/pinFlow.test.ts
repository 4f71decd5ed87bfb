import { PassThrough } from 'node:stream';
import { runPinFlow } from '../../shared/cli/pinFlow';
import { DEMO_CONSUMER, EtradeSimulator } from '../../shared/simulator';
import { loginAndReadPin } from '../support/simulatedEtrade';

/** Drives the command as a person would: reads its output, opens the page, types the PIN. */
async function walk(env: Record<string, string>, typePin: (authorizeUrl: string) => Promise<string>) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    const url = /(http:\S+authorize\S+)/.exec(printed)?.[1];
    if (url && printed.endsWith('PIN: ')) void typePin(url).then((pin) => input.write(`${pin}\n`));
  });
  const code = await runPinFlow(env, input, output);
  return { code, printed };
}

describe('npm run pin-flow against the simulator', () => {
  let local: EtradeSimulator;

  beforeAll(async () => {
    local = new EtradeSimulator();
    await local.start();
  });
  afterAll(() => local.close());

  const envFor = () => ({ SIM_PORT: new URL(local.url).port });

  it('walks the whole PIN flow against the local simulator with no keys configured', async () => {
    const { code, printed } = await walk(envFor(), loginAndReadPin);
    expect(code).toBe(0);
    expect(printed).toMatch(/Access token received/);
    expect(printed).toMatch(/3\. 2 open account\(s\)/);
    expect(printed).toMatch(/Token renewed/);
    expect(printed).not.toContain(DEMO_CONSUMER.secret);
    expect(printed).not.toMatch(/oauth_token/);
  });

  it('says what went wrong and exits 1 on a wrong PIN', async () => {
    const { code, printed } = await walk(envFor(), async () => 'ZZZZ9');
    expect(code).toBe(1);
    expect(printed).toMatch(/Failed: .*\[ERR_VERIFIER_REJECTED\]/);
  });

  it('refuses a malformed PIN without calling E*TRADE', async () => {
    const before = local.requests.length;
    const { code, printed } = await walk(envFor(), async () => 'no');
    expect(code).toBe(1);
    expect(printed).toMatch(/5 letters or digits/);
    expect(local.requests.length - before).toBe(1); // only the request token
  });

  it('insists on a consumer secret when a real key is configured', async () => {
    const { code, printed } = await walk({ ETRADE_CONSUMER_KEY: 'k' }, async () => 'AAAAA');
    expect(code).toBe(2);
    expect(printed).toMatch(/ETRADE_CONSUMER_SECRET must be set/);
  });
});

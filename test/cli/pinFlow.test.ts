import { PassThrough } from 'node:stream';
import { runPinFlow } from '../../shared/cli/pinFlow';
import { DEMO_CONSUMER, EtradeSimulator, WRONG_VERIFIER_ANSWERS } from '../../shared/simulator';
import { loginAndReadPin } from '../support/simulatedEtrade';

/**
 * Drives the command as a person would: reads its output, opens the page, types the PIN at each
 * prompt (numbered from 1); undefined closes the input.
 */
async function walk(
  env: Record<string, string>,
  typePin: (authorizeUrl: string, prompt: number) => Promise<string | undefined>,
) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  let prompts = 0;
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    const url = /(http:\S+authorize\S+)/.exec(printed)?.[1];
    if (url && printed.endsWith('PIN: ')) {
      prompts += 1;
      void typePin(url, prompts).then((pin) => (pin === undefined ? input.end() : input.write(`${pin}\n`)));
    }
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

  it.each(WRONG_VERIFIER_ANSWERS)(
    'a wrong PIN answered as %s asks again with the tries left; the right one then works',
    async (form) => {
      local.answerWrongVerifierWith(form);
      try {
        const { code, printed } = await walk(envFor(), async (url, prompt) =>
          prompt === 1 ? 'ZZZZ9' : loginAndReadPin(url),
        );
        expect(code).toBe(0);
        expect(printed).toMatch(
          /PIN: {4}E\*TRADE did not accept that PIN\. Check it and try again\. \(4 tries left\)\nPIN: /,
        );
        expect(printed).toMatch(/Token renewed/);
      } finally {
        local.answerWrongVerifierWith('token_rejected');
      }
    },
  );

  it('says what went wrong and exits 1 after five wrong PINs, or a wrong one and the end of input', async () => {
    const five = await walk(envFor(), async () => 'ZZZZ9');
    expect(five.code).toBe(1);
    expect(five.printed.split('PIN: ')).toHaveLength(6);
    expect(five.printed).toMatch(/\(1 try left\)\nPIN: Failed: .*\[ERR_VERIFIER_REJECTED\]/);
    const ended = await walk(envFor(), async (_url, prompt) => (prompt === 1 ? 'ZZZZ9' : undefined));
    expect(ended.code).toBe(1);
    expect(ended.printed).toMatch(/Failed: .*\[ERR_VERIFIER_REJECTED\]/);
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

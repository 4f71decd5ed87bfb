import { createInterface } from 'node:readline';
import { EtradeClient } from '../etrade/client';
import { EtradeEnvironment, resolveEndpoints } from '../etrade/endpoints';
import { isEtradeError } from '../etrade/errors';
import { DEMO_CONSUMER } from '../simulator';
import { walkPinFlow } from './walkPinFlow';

export const DEFAULT_SIM_PORT = 8089;
type Env = Readonly<Record<string, string | undefined>>;

/**
 * Real E*TRADE when a consumer key is configured; otherwise the local simulator's demo consumer
 * against the simulator `npm start` runs (unless base URLs say otherwise).
 */
export function pinFlowClient(env: Env): EtradeClient {
  const key = env.ETRADE_CONSUMER_KEY;
  if (key) {
    const secret = env.ETRADE_CONSUMER_SECRET;
    if (!secret) throw new TypeError('ETRADE_CONSUMER_SECRET must be set with ETRADE_CONSUMER_KEY');
    const environment = (env.ETRADE_ENVIRONMENT ?? 'sandbox') as EtradeEnvironment;
    if (environment !== 'prod' && environment !== 'sandbox') {
      throw new TypeError(`ETRADE_ENVIRONMENT must be prod or sandbox, got "${environment}"`);
    }
    return new EtradeClient({
      consumer: { key, secret },
      endpoints: resolveEndpoints(environment, environment, env),
    });
  }
  const sim = `http://127.0.0.1:${env.SIM_PORT ?? DEFAULT_SIM_PORT}`;
  const simulatorEnv = {
    ETRADE_OAUTH_BASE: sim,
    ETRADE_API_BASE: sim,
    ETRADE_AUTHORIZE_BASE: `${sim}/e/t/etws/authorize`,
    ...env,
  };
  return new EtradeClient({
    consumer: DEMO_CONSUMER,
    endpoints: resolveEndpoints('sandbox', 'sandbox', simulatorEnv),
  });
}

/** The command: prints to `output`, reads the PIN from `input`; resolves to the exit code. */
export async function runPinFlow(
  env: Env,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<number> {
  const print = (line: string) => void output.write(`${line}\n`);
  const lines = createInterface({ input, terminal: false })[Symbol.asyncIterator]();
  try {
    await walkPinFlow(pinFlowClient(env), {
      print,
      readPin: async () => {
        output.write('PIN: ');
        const next = await lines.next();
        return next.done ? undefined : next.value;
      },
    });
    return 0;
  } catch (error) {
    if (isEtradeError(error)) {
      print(`Failed: ${error.message} [${error.code}]`);
      return 1;
    }
    print(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await lines.return?.();
  }
}

if (require.main === module) {
  void runPinFlow(process.env, process.stdin, process.stdout).then((code) => process.exit(code));
}

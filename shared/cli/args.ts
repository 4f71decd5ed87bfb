import { parseArgs } from 'node:util';
import { CliError } from './errors';

const OPTIONS = {
  url: { type: 'string' },
  'api-key-file': { type: 'string' },
  local: { type: 'boolean' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  force: { type: 'boolean' },
  days: { type: 'string' },
  'no-qr': { type: 'boolean' },
} as const;
type OptionName = keyof typeof OPTIONS;

const GLOBAL_OPTIONS: readonly OptionName[] = [
  'url',
  'api-key-file',
  'local',
  'data-dir',
  'json',
  'no-color',
  'verbose',
  'help',
];

interface CommandSpec {
  /** Positional arguments; a trailing `?` marks an optional one. */
  readonly args: readonly string[];
  readonly options: readonly OptionName[];
}

export const COMMANDS = {
  status: { args: [], options: [] },
  login: { args: ['connection'], options: ['no-qr'] },
  keepalive: { args: [], options: ['force'] },
  revoke: { args: ['connection'], options: [] },
  accounts: { args: ['connection'], options: [] },
  balance: { args: ['connection', 'accountIdKey?'], options: [] },
  calendar: { args: [], options: ['days'] },
  'login-link': { args: [], options: [] },
} as const satisfies Record<string, CommandSpec>;
export type CommandName = keyof typeof COMMANDS;

export const DEFAULT_CALENDAR_DAYS = 5;
const MAX_CALENDAR_DAYS = 365;

export interface Invocation {
  readonly command: CommandName;
  readonly args: readonly string[];
  readonly url?: string;
  readonly apiKeyFile?: string;
  readonly local: boolean;
  readonly dataDir?: string;
  readonly json: boolean;
  readonly noColor: boolean;
  readonly verbose: boolean;
  readonly force: boolean;
  readonly days: number;
  readonly noQr: boolean;
}

export type CommandLine =
  | ({ readonly kind: 'run' } & Invocation)
  /** `help`, `--help`, or nothing at all (a usage error: exit 2, the text on stderr). */
  | { readonly kind: 'help'; readonly asked: boolean; readonly json: boolean };

export const USAGE = `Usage: etrade-oauth <command> [options]

Commands:
  status                               every connection's token: state, deadlines, keep-alive
  login <connection>                   renew a token: open the printed page (or scan the QR code),
                                       log in to E*TRADE, type the 5-character PIN
  keepalive [--force]                  keep-alive health; --force runs a keep-alive now
  revoke <connection>                  revoke the connection's token at E*TRADE (local mode)
  accounts <connection>                the open accounts, with the stored token (local mode)
  balance <connection> [accountIdKey]  balances of one or every open account (local mode)
  calendar [--days N]                  the next N NYSE trading days (default ${DEFAULT_CALENDAR_DAYS}) with the
                                       morning-alert times in ET and in local time
  login-link                           a sign-in link for the token page: sent to the chat
                                       (local mode: printed)

Where commands go:
  remote  --url URL or ETRADE_OAUTH_URL: the deployed API (or npm start's http://127.0.0.1:8080).
          API key: ETRADE_OAUTH_API_KEY, or --api-key-file FILE (never as an argument).
  local   otherwise, or --local: the stores themselves, in --data-dir DIR, LOCAL_DATA_DIR or
          .local (with USE_GCP=1: Firestore and Secret Manager, with your gcloud credentials).
          Do not run local commands against the data dir of a running npm start: use --url.

Options:
  --json          one JSON document on stdout, for scripts (prompts go to stderr)
  --no-color      no colours (also NO_COLOR, and whenever stdout is not a terminal)
  --no-qr         login: no QR code (it is only drawn on a terminal anyway)
  -v, --verbose   local mode: log lines and notices on stderr
  -h, --help      this text

Exit codes:
  0 ok   1 E*TRADE or business failure   2 usage error   3 auth or configuration error
  4 network or service unavailable
`;

/** Parses argv (without node and the script) strictly: every mistake is an ERR_USAGE naming it. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError('ERR_USAGE', (error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  const json = values.json === true;
  if (name === undefined) return { kind: 'help', asked: values.help === true, json };
  if (name === 'help' || values.help) return { kind: 'help', asked: true, json };
  if (!Object.hasOwn(COMMANDS, name)) {
    throw new CliError(
      'ERR_USAGE',
      `Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }
  const command = name as CommandName;
  const spec: CommandSpec = COMMANDS[command];
  for (const option of Object.keys(values) as OptionName[]) {
    if (!GLOBAL_OPTIONS.includes(option) && !spec.options.includes(option)) {
      throw new CliError('ERR_USAGE', `--${option} is not an option of "${command}"`);
    }
  }
  checkArity(command, spec, args);
  if (values.url !== undefined && values.local) {
    throw new CliError('ERR_USAGE', '--url and --local cannot be used together');
  }
  return {
    kind: 'run',
    command,
    args,
    url: values.url,
    apiKeyFile: values['api-key-file'],
    local: values.local === true,
    dataDir: values['data-dir'],
    json,
    noColor: values['no-color'] === true,
    verbose: values.verbose === true,
    force: values.force === true,
    days: values.days === undefined ? DEFAULT_CALENDAR_DAYS : calendarDays(values.days),
    noQr: values['no-qr'] === true,
  };
}

function checkArity(command: string, spec: CommandSpec, args: readonly string[]): void {
  const required = spec.args.filter((arg) => !arg.endsWith('?'));
  if (args.length < required.length) {
    throw new CliError('ERR_USAGE', `"${command}" needs <${required[args.length]}>`);
  }
  if (args.length > spec.args.length) {
    throw new CliError('ERR_USAGE', `"${command}" takes ${describeArgs(spec)}; got "${args.join(' ')}"`);
  }
  for (const arg of args) {
    if (arg === '') throw new CliError('ERR_USAGE', `"${command}": empty argument`);
  }
}

function describeArgs(spec: CommandSpec): string {
  if (spec.args.length === 0) return 'no arguments';
  return spec.args.map((arg) => (arg.endsWith('?') ? `[${arg.slice(0, -1)}]` : `<${arg}>`)).join(' ');
}

function calendarDays(raw: string): number {
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > MAX_CALENDAR_DAYS) {
    throw new CliError(
      'ERR_USAGE',
      `--days must be a whole number from 1 to ${MAX_CALENDAR_DAYS}, got "${raw}"`,
    );
  }
  return days;
}

/**
 * Structured logging with redaction in one place. Fields are primitives only, so no object that
 * may hold a token can be dumped by accident; values the code knows to be secret are registered
 * with `redact()` and masked wherever they appear, even inside a message.
 */
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;
export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** Registers a secret value: it is masked in every later line of this logger. */
  redact(secret: string | undefined): void;
}

export const REDACTED = '[redacted]';
/** Short values would mask ordinary words; real E*TRADE secrets are long. */
const MIN_SECRET_LENGTH = 6;

/** Cloud Logging reads one JSON object per line with `severity` and `message`. */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const secrets = new Set<string>();
  // One alternation, longest first, rebuilt only when a secret is added: an instance that has seen
  // a thousand connections' tokens must not scan every line a thousand times.
  let pattern: RegExp | undefined;
  const mask = (value: LogValue): LogValue => {
    if (typeof value !== 'string' || secrets.size === 0) return value;
    pattern ??= new RegExp(
      [...secrets]
        .sort((a, b) => b.length - a.length)
        .map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return value.replace(pattern, REDACTED);
  };
  const emit = (severity: Severity, event: string, fields: LogFields = {}) => {
    const entry: Record<string, LogValue> = { severity, message: mask(event) };
    for (const [name, value] of Object.entries(fields)) entry[name] = mask(value);
    write(JSON.stringify(entry));
  };
  return {
    debug: (event, fields) => emit('DEBUG', event, fields),
    info: (event, fields) => emit('INFO', event, fields),
    warn: (event, fields) => emit('WARNING', event, fields),
    error: (event, fields) => emit('ERROR', event, fields),
    redact: (secret) => {
      if (secret && secret.length >= MIN_SECRET_LENGTH && !secrets.has(secret)) {
        secrets.add(secret);
        // A secret also travels percent-encoded (headers, bodies): mask that form too.
        secrets.add(encodeURIComponent(secret));
        pattern = undefined;
      }
    },
  };
}

/** For code paths that must not log at all (benchmarks, libraries used without a logger). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  redact: () => undefined,
};

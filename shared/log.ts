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
  // Secrets by their first MIN_SECRET_LENGTH characters, each bucket longest first: a value is scanned
  // once, looking each position up, so the cost of a line does not grow with the secrets registered.
  // (One regex alternation of every secret, rebuilt after each new one, made a keep-alive over 1,000
  // connections rebuild and run a 4,000-way pattern for every line: quadratic, seconds of CPU.)
  const byPrefix = new Map<string, string[]>();
  const register = (secret: string): boolean => {
    const key = secret.slice(0, MIN_SECRET_LENGTH);
    const bucket = byPrefix.get(key) ?? [];
    if (bucket.includes(secret)) return false;
    bucket.push(secret);
    bucket.sort((a, b) => b.length - a.length);
    byPrefix.set(key, bucket);
    return true;
  };
  const mask = (value: LogValue): LogValue => {
    if (typeof value !== 'string' || byPrefix.size === 0) return value;
    let masked = '';
    let copied = 0;
    for (let at = 0; at + MIN_SECRET_LENGTH <= value.length;) {
      // Leftmost match first, the longest at that position: what an alternation sorted by length does.
      const secret = byPrefix
        .get(value.slice(at, at + MIN_SECRET_LENGTH))
        ?.find((candidate) => value.startsWith(candidate, at));
      if (secret === undefined) {
        at += 1;
        continue;
      }
      masked += value.slice(copied, at) + REDACTED;
      at += secret.length;
      copied = at;
    }
    return copied === 0 ? value : masked + value.slice(copied);
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
      if (!secret || secret.length < MIN_SECRET_LENGTH) return;
      // A secret also travels percent-encoded (headers, bodies): mask that form too.
      if (register(secret)) register(encodeURIComponent(secret));
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

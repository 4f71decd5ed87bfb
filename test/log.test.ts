import { jsonLogger, REDACTED } from '../shared/log';
import { pick, seededRandom } from './support/random';

describe('jsonLogger', () => {
  it('writes one Cloud Logging JSON object per line', () => {
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line)).warn('etrade.call_failed', { operation: 'renew', attempt: 2 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { severity: 'WARNING', message: 'etrade.call_failed', operation: 'renew', attempt: 2 },
    ]);
  });

  it('masks registered secrets, raw and percent-encoded, wherever they appear', () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line));
    log.redact('CANARY+secret/value=');
    log.info('saw CANARY+secret/value= here', { detail: `x${encodeURIComponent('CANARY+secret/value=')}y` });
    expect(lines.join('\n')).not.toContain('CANARY');
    expect(JSON.parse(lines[0])).toMatchObject({ message: `saw ${REDACTED} here`, detail: `x${REDACTED}y` });
  });

  it('does not mask short values that would hide ordinary words', () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line));
    log.redact('ok');
    log.info('ok');
    expect(JSON.parse(lines[0]).message).toBe('ok');
  });
});

describe('jsonLogger with many secrets', () => {
  it('masks every one of them, including ones with regex characters, overlapping ones longest first', () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line));
    const secrets = Array.from({ length: 2000 }, (_, i) => `tok+${i}/a.b*c(d)[e]?=`);
    for (const secret of secrets) log.redact(secret);
    log.redact('tok+12/a.b*c(d)[e]?=-longer');
    log.info('event', {
      a: secrets[1999],
      b: `x${secrets[7]}y`,
      c: 'tok+12/a.b*c(d)[e]?=-longer',
      d: 'harmless',
    });
    expect(JSON.parse(lines[0])).toMatchObject({
      a: REDACTED,
      b: `x${REDACTED}y`,
      c: REDACTED,
      d: 'harmless',
    });
  });
});

/** The masking before it stopped rebuilding a regex per new secret: one alternation, longest first. */
function maskedByAlternation(secrets: readonly string[], value: string): string {
  const registered = [...new Set(secrets.flatMap((s) => (s.length >= 6 ? [s, encodeURIComponent(s)] : [])))];
  if (registered.length === 0) return value;
  const pattern = registered
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  return value.replace(new RegExp(pattern, 'g'), REDACTED);
}

describe('jsonLogger masking, secret by secret as they are registered', () => {
  it('masks adjacent secrets, one at the very end, and secrets registered after earlier lines', () => {
    const lines: string[] = [];
    const log = jsonLogger((line) => lines.push(line));
    log.redact('AAAAAAAA');
    log.info('first', { v: 'xAAAAAAAABBBBBBBB' });
    log.redact('BBBBBBBB');
    log.info('second', { v: 'xAAAAAAAABBBBBBBB', w: 'AAAAAAA' });
    expect(lines.map((line) => JSON.parse(line).v)).toEqual([
      `x${REDACTED}BBBBBBBB`,
      `x${REDACTED}${REDACTED}`,
    ]);
    expect(JSON.parse(lines[1]).w).toBe('AAAAAAA');
  });

  it('masks exactly what one longest-first alternation of every secret masks (generated cases)', () => {
    // A tiny alphabet so that secrets share prefixes, overlap, nest and repeat.
    const random = seededRandom(20260310);
    const text = (length: number) =>
      Array.from({ length }, () => pick(random, ['a', 'b', '+', '/'])).join('');
    for (let run = 0; run < 200; run++) {
      const secrets = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        text(4 + Math.floor(random() * 6)),
      );
      const value = text(Math.floor(random() * 60));
      const lines: string[] = [];
      const log = jsonLogger((line) => lines.push(line));
      for (const secret of secrets) log.redact(secret);
      log.info('event', { value });
      expect({ secrets, value, masked: JSON.parse(lines[0]).value }).toEqual({
        secrets,
        value,
        masked: maskedByAlternation(secrets, value),
      });
    }
  });
});

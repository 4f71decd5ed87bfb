import { jsonLogger, REDACTED } from '../shared/log';

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

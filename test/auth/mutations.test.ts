import { checkApiKey, generateApiKey } from '../../shared/auth/apiKeys';
import { createLoginLink, redeemLoginLink } from '../../shared/auth/loginLinks';
import { issueSession, readSession, SESSION_COOKIE } from '../../shared/auth/sessions';
import { pick, seededRandom } from '../support/random';
import {
  caught,
  capturingLogger,
  cookieValueOf,
  fileLedger,
  KEY,
  LINK_INVALID,
  PAGE_URL,
  T0,
  tokenOf,
} from './fixtures';

/**
 * Property: no small edit of a valid credential is accepted. Seeded, so a failure names its case and
 * replays exactly. Edits include the aliases Node's lenient base64 decoder would accept (stray
 * characters, changed padding bits in the last character), which only strict decoding refuses.
 */

const RUNS = 1500;
const ALPHABET = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  '.',
  '=',
  '+',
  '/',
  ' ',
  ';',
  '%',
  'é',
  '\0',
];

type Edit = (text: string, random: () => number) => string;
const at = (random: () => number, text: string) => Math.floor(random() * (text.length + 1));
const EDITS: Record<string, Edit> = {
  replace: (t, r) => {
    const i = Math.min(at(r, t), t.length - 1);
    return t.slice(0, i) + pick(r, ALPHABET) + t.slice(i + 1);
  },
  insert: (t, r) => {
    const i = at(r, t);
    return t.slice(0, i) + pick(r, ALPHABET) + t.slice(i);
  },
  remove: (t, r) => {
    const i = Math.min(at(r, t), t.length - 1);
    return t.slice(0, i) + t.slice(i + 1);
  },
  swap: (t, r) => {
    const i = Math.min(at(r, t), t.length - 2);
    return t.slice(0, i) + t[i + 1] + t[i] + t.slice(i + 2);
  },
  truncate: (t, r) => t.slice(0, at(r, t)),
  duplicate: (t, r) => {
    const i = at(r, t);
    return t.slice(0, i) + t.slice(i, i + 1 + Math.floor(r() * 8)) + t.slice(i);
  },
  flipCase: (t, r) => {
    const i = Math.min(at(r, t), t.length - 1);
    const c = t[i];
    return t.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + t.slice(i + 1);
  },
  lastChar: (t, r) => t.slice(0, -1) + pick(r, ALPHABET.slice(0, 64)),
  swapParts: (t) => t.split('.').reverse().join('.'),
};

/** 1–3 random edits; an edit that happens to restore the original is re-drawn. */
function mutate(original: string, random: () => number): string {
  for (;;) {
    let text = original;
    const count = 1 + Math.floor(random() * 3);
    for (let k = 0; k < count; k++) text = pick(random, Object.values(EDITS))(text, random);
    if (text !== original) return text;
  }
}

it(`refuses ${RUNS} random mutations of a valid login-link token (seed 20260302)`, async () => {
  const env = await fileLedger();
  const { log, lines } = capturingLogger();
  try {
    const random = seededRandom(20260302);
    for (let run = 0; run < RUNS; run++) {
      const token = tokenOf(createLoginLink({ key: KEY, pageUrl: PAGE_URL, now: T0 }).url);
      const mutated = mutate(token, random);
      const error = await caught(() =>
        redeemLoginLink({ key: KEY, token: mutated, now: T0, ledger: env.ledger, log }),
      );
      expect({ run, mutated, error: { code: error.code, message: error.message } }).toEqual({
        run,
        mutated,
        error: LINK_INVALID,
      });
    }
    // The edits reach the MAC check, not only the format check.
    const reasons = new Set(lines.map((line) => JSON.parse(line).reason));
    expect(reasons).toEqual(new Set(['malformed', 'bad_signature']));
  } finally {
    await env.cleanup();
  }
});

it(`refuses ${RUNS} random mutations of a valid session cookie (seed 7)`, () => {
  const random = seededRandom(7);
  for (let run = 0; run < RUNS; run++) {
    const value = cookieValueOf(issueSession({ key: KEY, now: T0 }).cookie);
    const mutated = mutate(value, random);
    expect({
      run,
      mutated,
      session: readSession({ key: KEY, cookieHeader: `${SESSION_COOKIE}=${mutated}`, now: T0 }),
    }).toEqual({
      run,
      mutated,
      session: undefined,
    });
  }
});

it(`refuses ${RUNS} random mutations of a valid API key (seed 11)`, () => {
  const random = seededRandom(11);
  const { apiKey, hash } = generateApiKey();
  for (let run = 0; run < RUNS; run++) {
    const mutated = mutate(apiKey, random);
    expect({ mutated, ok: checkApiKey(`Bearer ${mutated}`, hash) }).toEqual({ mutated, ok: false });
  }
});

it('refuses a MAC whose last character differs only in its unused bits (same bytes to a lenient decoder)', async () => {
  const env = await fileLedger();
  try {
    const token = tokenOf(createLoginLink({ key: KEY, pageUrl: PAGE_URL, now: T0 }).url);
    const last = token.at(-1) as string;
    const b64 = ALPHABET.slice(0, 64);
    // 32 bytes need 43 characters: the last one carries 4 bits, so 3 other characters decode the same.
    const alias = b64.find((c) => c !== last && b64.indexOf(c) >> 2 === b64.indexOf(last) >> 2) as string;
    const forged = token.slice(0, -1) + alias;
    expect(Buffer.from(forged.split('.')[1], 'base64url')).toEqual(
      Buffer.from(token.split('.')[1], 'base64url'),
    );
    expect(
      await caught(() => redeemLoginLink({ key: KEY, token: forged, now: T0, ledger: env.ledger })),
    ).toMatchObject(LINK_INVALID);
    await expect(redeemLoginLink({ key: KEY, token, now: T0, ledger: env.ledger })).resolves.toBeDefined();
  } finally {
    await env.cleanup();
  }
});

import { Code, RpcError, unsupported } from './rpcError';

export const VERSION_STATES = ['ENABLED', 'DISABLED', 'DESTROYED'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

/**
 * The part of Secret Manager's list filter grammar (https://cloud.google.com/secret-manager/docs/filtering)
 * that concerns version state: terms `state:X`, `state=X`, `state!=X`, negated with `NOT ` or `-`,
 * combined with `AND` (or juxtaposition) and `OR`, where OR binds tighter, as in Google's filter grammar.
 * Any other field is refused as unsupported instead of being silently ignored.
 */
export function parseVersionFilter(filter: string): (state: VersionState) => boolean {
  if (filter.trim() === '') return () => true;
  // An AND of OR-groups: `a OR b c` and `a OR b AND c` both mean `(a OR b) AND c`.
  const clauses: ((state: VersionState) => boolean)[][] = [];
  let previous: string | undefined;
  for (const token of tokens(filter)) {
    const isOperator = token === 'AND' || token === 'OR';
    if (isOperator && (previous === undefined || previous === 'AND' || previous === 'OR')) {
      throw new RpcError(Code.INVALID_ARGUMENT, `invalid filter "${filter}"`);
    }
    if (!isOperator) {
      if (previous === 'OR') clauses[clauses.length - 1].push(parseTerm(token));
      else clauses.push([parseTerm(token)]);
    }
    previous = token;
  }
  if (previous === 'AND' || previous === 'OR') {
    throw new RpcError(Code.INVALID_ARGUMENT, `invalid filter "${filter}"`);
  }
  return (state) => clauses.every((alternatives) => alternatives.some((test) => test(state)));
}

/** Splits on whitespace but keeps `NOT x` together as one term. */
function tokens(filter: string): string[] {
  const words = filter.trim().split(/\s+/);
  const result: string[] = [];
  for (let i = 0; i < words.length; i++) {
    result.push(words[i] === 'NOT' && i + 1 < words.length ? `NOT ${words[++i]}` : words[i]);
  }
  return result;
}

function parseTerm(term: string): (state: VersionState) => boolean {
  const negated = term.startsWith('NOT ') || term.startsWith('-');
  const body = term.replace(/^(NOT |-)/, '');
  const match = /^state(:|=|!=)([A-Za-z_]+)$/.exec(body);
  if (!match) throw unsupported(`filter term "${term}" (only state filters are modelled)`);
  const [, operator, value] = match;
  const wanted = value.toUpperCase();
  if (!(VERSION_STATES as readonly string[]).includes(wanted)) {
    throw new RpcError(Code.INVALID_ARGUMENT, `unknown state "${value}" in filter term "${term}"`);
  }
  const invert = (operator === '!=') !== negated;
  return (state) => (state === wanted) !== invert;
}

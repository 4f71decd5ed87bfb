import { parseVersionFilter, VERSION_STATES } from '../fakes/secretManager/versionFilter';

// The fake's filter must agree with Secret Manager's grammar for the state filters it claims to support;
// anything else must be refused, never silently treated as "match all".

const cases: { filter: string; matches: string[] }[] = [
  { filter: '', matches: ['ENABLED', 'DISABLED', 'DESTROYED'] },
  { filter: 'state:ENABLED', matches: ['ENABLED'] },
  { filter: 'state=DISABLED', matches: ['DISABLED'] },
  { filter: 'state!=DESTROYED', matches: ['ENABLED', 'DISABLED'] },
  { filter: 'NOT state:DESTROYED', matches: ['ENABLED', 'DISABLED'] },
  { filter: '-state:ENABLED', matches: ['DISABLED', 'DESTROYED'] },
  { filter: 'state:ENABLED OR state:DISABLED', matches: ['ENABLED', 'DISABLED'] },
  { filter: 'state:ENABLED AND state:DISABLED', matches: [] },
  // OR binds tighter than AND (and than juxtaposition).
  { filter: 'state:ENABLED OR state:DISABLED AND NOT state:ENABLED', matches: ['DISABLED'] },
  { filter: 'state:ENABLED OR state:DISABLED -state:DISABLED', matches: ['ENABLED'] },
];

describe('fake Secret Manager version filter', () => {
  it.each(cases)('"$filter" matches $matches', ({ filter, matches }) => {
    const test = parseVersionFilter(filter);

    expect(VERSION_STATES.filter(test)).toEqual(matches);
  });

  it.each([
    ['state:ENABLED AND', 3],
    ['OR state:ENABLED', 3],
    ['state:GONE', 3],
    ['create_time>"2021-01-01"', 12],
    ['name:token', 12],
  ])('refuses "%s" with gRPC code %i', (filter, code) => {
    expect(() => parseVersionFilter(filter)).toThrow(expect.objectContaining({ code }));
  });
});

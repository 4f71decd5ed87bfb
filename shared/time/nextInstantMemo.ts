/**
 * Memoises `next(at)`: the first instant of a fixed set (New York midnights, morning alerts) strictly
 * after `at`. The answer for `from` is also the answer for every `at` in [from, answer): any member of
 * the set between them would have been the answer for `from`. So it is worked out again only when
 * `at` falls in none of the `slots` intervals kept (about once a day per slot), in either direction: a
 * clock moved back is asked anew. Each call returns its own Date, so no caller can alter another's.
 */
export function memoNextInstant(next: (at: Date) => Date, slots = 1): (at: Date) => Date {
  const kept: { from: number; until: number }[] = [];
  let replace = 0;
  return (at) => {
    const ms = at.getTime();
    let hit = kept.find((interval) => interval.from <= ms && ms < interval.until);
    if (hit === undefined) {
      hit = { from: ms, until: next(at).getTime() };
      if (kept.length < slots) kept.push(hit);
      else kept[replace++ % slots] = hit;
    }
    return new Date(hit.until);
  };
}

/**
 * The server's idea of now. The phone's clock may be wrong and its time zone is irrelevant: every
 * countdown runs on `Date.now() + offset`, where the offset is re-measured from `status.now` on
 * each fetch, so the deadlines the server sent are reached when the server says they are.
 */
export class ServerClock {
  private offsetMs = 0;

  /** `sentAt`/`receivedAt` bracket the request; the server read its clock somewhere in between. */
  sync(serverNowIso: string, sentAt: number, receivedAt: number): void {
    const serverNow = Date.parse(serverNowIso);
    if (Number.isNaN(serverNow)) return;
    this.offsetMs = serverNow - Math.round((sentAt + receivedAt) / 2);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }
}

/** Whole seconds from `nowMs` until `iso`, rounded up so zero means the moment has come. */
export function secondsUntil(iso: string | undefined, nowMs: number): number | undefined {
  if (iso === undefined) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * Calls `tick` on every whole second of the server clock (so the digits turn together) and returns a
 * function that stops it. Each tick recomputes from the clock, so late timers never drift, and a
 * timer that fires a little early is followed by another at the boundary itself.
 */
export function everySecond(clock: ServerClock, tick: () => void): () => void {
  let timer: number | undefined;
  const schedule = () => {
    timer = window.setTimeout(
      () => {
        tick();
        schedule();
      },
      1000 - (((clock.now() % 1000) + 1000) % 1000),
    );
  };
  schedule();
  return () => window.clearTimeout(timer);
}

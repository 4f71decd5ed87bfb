/** Time as a port: use cases ask it, tests freeze or move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests, the simulator and the local scheduler's dry runs. */
export class ManualClock implements Clock {
  private at: number;

  constructor(start: Date | string | number) {
    this.at = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date | string | number): void {
    this.at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}

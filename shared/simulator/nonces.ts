import { TIMESTAMP_WINDOW_S } from './problems';

/**
 * Nonces seen per consumer key. A nonce only needs remembering while its timestamp could still be
 * accepted; older entries are dropped, since such a request is refused on its timestamp anyway.
 */
export class NonceLedger {
  private readonly seen = new Map<string, number>();
  private lastPrune = 0;

  constructor(private readonly clock: () => number) {}

  has(consumerKey: string, nonce: string): boolean {
    this.prune();
    return this.seen.has(key(consumerKey, nonce));
  }

  remember(consumerKey: string, nonce: string, timestampS: number): void {
    this.seen.set(key(consumerKey, nonce), timestampS);
  }

  private prune(): void {
    const nowS = Math.floor(this.clock() / 1000);
    // Once per clock second is plenty and keeps a benchmark's request loop linear.
    if (nowS === this.lastPrune) return;
    this.lastPrune = nowS;
    for (const [entry, timestampS] of this.seen) {
      if (timestampS < nowS - TIMESTAMP_WINDOW_S) this.seen.delete(entry);
    }
  }
}

function key(consumerKey: string, nonce: string): string {
  return `${consumerKey}\n${nonce}`;
}

/** Order statistics over a handful of samples (nearest-rank, so a p90 of 7 samples is the 7th). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (samples: readonly number[]): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const max = (samples: readonly number[]): number =>
  samples.length === 0 ? Number.NaN : Math.max(...samples);

/** `x` with the given number of decimals, or `-` for a missing value. */
export function fixed(x: number | undefined, decimals = 0): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(decimals);
}

export const MIB = 1024 * 1024;

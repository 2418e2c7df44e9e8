/** Order statistics by the nearest-rank method: every figure is one that was actually observed. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

export const median = (values: number[]) => quantile(values, 0.5);
export const p95 = (values: number[]) => quantile(values, 0.95);
export const p99 = (values: number[]) => quantile(values, 0.99);

export function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** ours/PeerJS; below 1 is better for times, above 1 is better for rates (the table says which). */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return '—';
  return `${(ours / theirs).toFixed(2)}×`;
}

/**
 * 95 % bootstrap interval of median(a) − median(b) (2000 resamples, fixed seed so a
 * rerun of the report on the same samples prints the same interval).
 */
export function medianDiffInterval(a: number[], b: number[]): [number, number] {
  if (!a.length || !b.length) return [Number.NaN, Number.NaN];
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const resample = (v: number[]) => median(v.map(() => v[Math.floor(rand() * v.length)]));
  const diffs = Array.from({ length: 2000 }, () => resample(a) - resample(b));
  return [quantile(diffs, 0.025), quantile(diffs, 0.975)];
}

/**
 * Paired rounds. The host this runs on drifts: within minutes the same untouched code and the
 * peers have measured up to 2× apart (BENCHMARKS.md), so a peer measured once and Inkan measured
 * once a minute later compare two different machines. Each round measures every side back to
 * back (the order rotated each round, so no side always runs first, unless that would run one
 * side twice in a row: the one-process `openssl ocsp` stalls when ab starts again the moment it
 * stopped), a ratio is taken within each round, and the median round is what the bench reports.
 */

type Side = () => Promise<unknown>;
type PerSide<T extends Side[]> = { [K in keyof T]: Awaited<ReturnType<T[K]>>[] };

/** BENCH_ROUNDS (default 3, at most 15): how many paired rounds each comparison runs. */
export function roundsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(n) || n < 1 || n > 15) throw new Error(`BENCH_ROUNDS=${env.BENCH_ROUNDS}: expected a whole number from 1 to 15`);
  return n;
}

/** Runs each side once per round, alternating the order; returns each side's results in round order. */
export async function alternate<T extends Side[]>(rounds: number, sides: [...T]): Promise<PerSide<T>> {
  const out = sides.map(() => [] as unknown[]);
  let order = sides.map((_, i) => i);
  for (let r = 0; r < rounds; r++) {
    const rotated = [...order.slice(1), order[0]!];
    if (r > 0 && rotated[0] !== order[order.length - 1]) order = rotated;
    for (const i of order) out[i]![r] = await sides[i]!();
  }
  return out as PerSide<T>;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median of a[r] / b[r]: each round's own comparison, then the middle one. */
export function pairedMedian(a: number[], b: number[]): number {
  return median(a.map((x, r) => x / b[r]!));
}

/** The result whose `key` is the median (the lower middle of an even count): its other figures (p99, CPU) go with it. */
export function middle<T>(results: T[], key: (t: T) => number): T {
  const s = [...results].sort((x, y) => key(x) - key(y));
  return s[(s.length - 1) >> 1]!;
}

/** "1,234 / 1,300 / 1,180" — every round, for the log. */
export function spread(xs: number[], digits = 0): string {
  return xs.map((x) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })).join(" / ");
}

/**
 * A small benchmark harness: each case runs for a warm-up, then several timed windows; we report the
 * median operations per second and the ratio against a baseline measured in the same run, so numbers
 * compare across machines.
 */
export interface BenchCase {
  name: string;
  run: () => Promise<unknown>;
}

export interface BenchResult {
  name: string;
  opsPerSecond: number;
  windows: number[];
}

export async function measure(
  benchCase: BenchCase,
  options: { warmupMs?: number; windowMs?: number; windows?: number } = {},
): Promise<BenchResult> {
  const warmupMs = options.warmupMs ?? 300;
  const windowMs = options.windowMs ?? 500;
  const windowCount = options.windows ?? 5;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) await benchCase.run();
  const windows: number[] = [];
  for (let w = 0; w < windowCount; w++) {
    let ops = 0;
    const start = performance.now();
    const end = start + windowMs;
    while (performance.now() < end) {
      await benchCase.run();
      ops++;
    }
    windows.push((ops * 1000) / (performance.now() - start));
  }
  const sorted = [...windows].sort((a, b) => a - b);
  return { name: benchCase.name, opsPerSecond: sorted[Math.floor(sorted.length / 2)]!, windows };
}

export function report(title: string, baseline: BenchResult, results: BenchResult[]): void {
  console.log(`\n## ${title}`);
  console.log(`baseline: ${baseline.name}: ${baseline.opsPerSecond.toFixed(0)} ops/s`);
  for (const result of results) {
    const ratio = result.opsPerSecond / baseline.opsPerSecond;
    console.log(
      `${result.name.padEnd(48)} ${result.opsPerSecond.toFixed(0).padStart(8)} ops/s  ${ratio.toFixed(3)}× baseline`,
    );
  }
}

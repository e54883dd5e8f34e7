import { randomInt } from 'node:crypto';

/** A source of uniform numbers in [0, 1). Injected so tests can seed the draw and the shuffles. */
export type RandomSource = () => number;

/** The default: 47 bits from the operating system's CSPRNG (randomInt's range stops below 2^48). */
export const cryptoRandom: RandomSource = () => randomInt(2 ** 47) / 2 ** 47;

/** A deterministic generator (mulberry32) for tests. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(values: readonly T[], random: RandomSource): T[] {
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * The items of one attempt: `count` drawn at random (all when null), in random order when `shuffle`, else
 * in bank order.
 */
export function drawItems<T>(
  bank: readonly T[],
  options: { count: number | null; shuffle: boolean },
  random: RandomSource,
): T[] {
  const count = Math.min(options.count ?? bank.length, bank.length);
  if (count === bank.length) return options.shuffle ? shuffled(bank, random) : [...bank];
  const chosen = new Set(
    shuffled(
      bank.map((_, index) => index),
      random,
    ).slice(0, count),
  );
  const inBankOrder = bank.filter((_, index) => chosen.has(index));
  return options.shuffle ? shuffled(inBankOrder, random) : inBankOrder;
}

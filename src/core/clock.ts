/** Time source passed into services so tests can move time without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start = new Date('2026-01-01T00:00:00.000Z')) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Parses durations such as `30d`, `12h`, `15m`, `45s` into milliseconds; `null` when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6})\s*([smhdw])$/.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 's'];
  return amount > 0 ? amount * unit : null;
}

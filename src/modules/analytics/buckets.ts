import { AppError } from '../../core/errors.ts';
import type { BucketCount, TimeBucket } from '../credentials/credentials.statistics.ts';

export const MAX_BUCKETS = 400;
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** The start (UTC) of the bucket holding `at`, as the database's `date_trunc` computes it (ISO weeks). */
export function bucketStart(at: Date, bucket: TimeBucket): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (bucket === 'day') return new Date(day);
  if (bucket === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return new Date(day - weekday * DAY_MS);
}

function nextBucket(start: Date, bucket: TimeBucket): Date {
  if (bucket === 'day') return new Date(start.getTime() + DAY_MS);
  if (bucket === 'week') return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** Every bucket start from the one holding `from` up to `to` (exclusive). */
export function bucketStarts(from: Date, to: Date, bucket: TimeBucket): Date[] {
  const starts: Date[] = [];
  for (let at = bucketStart(from, bucket); at.getTime() < to.getTime(); at = nextBucket(at, bucket)) {
    starts.push(at);
    if (starts.length > MAX_BUCKETS) break;
  }
  return starts;
}

/** The database's sparse counts laid over every bucket of the range, zeros included (for charts). */
export function fillBuckets(starts: readonly Date[], counts: readonly BucketCount[]): BucketCount[] {
  const byStart = new Map(counts.map((c) => [c.bucket.getTime(), c.count]));
  return starts.map((bucket) => ({ bucket, count: byStart.get(bucket.getTime()) ?? 0 }));
}

/**
 * The range asked for, checked: `to` defaults to the end of the bucket holding now, `from` to 30 days before `to`; `from` must come first
 * and the range must fit in {@link MAX_BUCKETS} buckets (400 days, weeks or months).
 */
export function analyticsRange(
  input: { from?: string; to?: string; bucket?: TimeBucket },
  now: Date,
): { from: Date; to: Date; bucket: TimeBucket } {
  const bucket = input.bucket ?? 'day';
  const parse = (value: string | undefined, name: 'from' | 'to') => {
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      throw new AppError('invalid_request', `${name} is not a date`, {
        fields: [
          { in: 'querystring', pointer: `/${name}`, message: 'must be an ISO 8601 date or date-time' },
        ],
      });
    }
    return date;
  };
  // By default the bucket holding now is counted whole (its end is the exclusive end of the range).
  const to = parse(input.to, 'to') ?? nextBucket(bucketStart(now, bucket), bucket);
  const from = parse(input.from, 'from') ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw new AppError('invalid_request', 'from must be before to', {
      fields: [{ in: 'querystring', pointer: '/from', message: 'must be before to' }],
    });
  }
  if (bucketStarts(from, to, bucket).length > MAX_BUCKETS) {
    throw new AppError('invalid_request', `The range spans more than ${MAX_BUCKETS} ${bucket}s`, {
      detail: `Choose a shorter range or a larger bucket: at most ${MAX_BUCKETS} buckets per request`,
      fields: [{ in: 'querystring', pointer: '/from', message: `range must fit in ${MAX_BUCKETS} buckets` }],
    });
  }
  return { from, to, bucket };
}

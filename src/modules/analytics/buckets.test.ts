import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyticsRange, bucketStart, bucketStarts, fillBuckets, MAX_BUCKETS } from './buckets.ts';

const at = (iso: string) => new Date(iso);

test('buckets start where date_trunc starts them: UTC days, ISO weeks (Monday), months', () => {
  assert.equal(bucketStart(at('2026-11-23T17:30:00Z'), 'day').toISOString(), '2026-11-23T00:00:00.000Z');
  // 2026-11-22 is a Sunday: its week began on Monday the 16th.
  assert.equal(bucketStart(at('2026-11-22T23:59:59Z'), 'week').toISOString(), '2026-11-16T00:00:00.000Z');
  assert.equal(bucketStart(at('2026-11-23T00:00:00Z'), 'week').toISOString(), '2026-11-23T00:00:00.000Z');
  assert.equal(bucketStart(at('2026-12-31T12:00:00Z'), 'month').toISOString(), '2026-12-01T00:00:00.000Z');
  assert.deepEqual(
    bucketStarts(at('2026-11-15T10:00:00Z'), at('2027-01-02T00:00:00Z'), 'month').map((d) => d.toISOString()),
    ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  );
});

test('sparse database counts are laid over every bucket, zeros included', () => {
  const starts = bucketStarts(at('2026-11-01T00:00:00Z'), at('2026-11-04T00:00:00Z'), 'day');
  const filled = fillBuckets(starts, [{ bucket: at('2026-11-02T00:00:00Z'), count: 5 }]);
  assert.deepEqual(
    filled.map((row) => row.count),
    [0, 5, 0],
  );
});

test('ranges: defaults, order and the bucket limit', () => {
  const now = at('2026-11-23T17:00:00Z');
  const range = analyticsRange({}, now);
  assert.equal(range.bucket, 'day');
  assert.equal(range.to.toISOString(), '2026-11-24T00:00:00.000Z');
  assert.equal(range.to.getTime() - range.from.getTime(), 30 * 86_400_000);
  assert.throws(() => analyticsRange({ from: '2026-02-01', to: '2026-01-01' }, now), /before/);
  assert.throws(() => analyticsRange({ from: 'yesterday' }, now), /not a date/);
  assert.throws(
    () => analyticsRange({ from: '2000-01-01', bucket: 'day' }, now),
    new RegExp(`${MAX_BUCKETS}`),
  );
  assert.doesNotThrow(() => analyticsRange({ from: '2000-01-01', bucket: 'month' }, now));
});

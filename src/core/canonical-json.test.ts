import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from './canonical-json.ts';

test('object keys are sorted at every depth, whatever order they were given in', () => {
  const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } };
  const b = { a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 };
  assert.equal(canonicalJson(a), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson(a), canonicalJson(b));
});

test('the result is valid JSON that parses back to an equal value', () => {
  const value = { text: 'line\n"quoted" \u2028 ünï', n: -1.5e-7, t: true, f: false, nil: null, list: [] };
  assert.deepEqual(JSON.parse(canonicalJson(value)), value);
});

test('keys are sorted by code unit, not locale', () => {
  assert.equal(canonicalJson({ b: 1, B: 2, a: 3, _: 4, é: 5 }), '{"B":2,"_":4,"a":3,"b":1,"é":5}');
});

test('array order is kept', () => {
  assert.equal(canonicalJson([3, 1, 2]), '[3,1,2]');
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('undefined properties are left out; undefined elsewhere becomes null', () => {
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(canonicalJson({ b: 1 }), canonicalJson({ a: undefined, b: 1 }));
  assert.equal(canonicalJson([undefined, 1]), '[null,1]');
  assert.equal(canonicalJson(undefined), 'null');
});

test('dates become ISO strings', () => {
  assert.equal(
    canonicalJson({ at: new Date('2026-01-02T03:04:05.678Z') }),
    '{"at":"2026-01-02T03:04:05.678Z"}',
  );
});

test('non-finite numbers are refused rather than silently changed', () => {
  assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  assert.throws(() => canonicalJson([Number.POSITIVE_INFINITY]), TypeError);
});

test('scalars', () => {
  assert.equal(canonicalJson('x'), '"x"');
  assert.equal(canonicalJson(42), '42');
  assert.equal(canonicalJson(null), 'null');
  assert.equal(canonicalJson(false), 'false');
});

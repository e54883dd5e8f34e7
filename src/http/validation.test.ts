import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUnstorableText } from './validation.ts';

test('ordinary text, numbers and nesting pass', () => {
  for (const value of [
    undefined,
    null,
    42,
    '',
    'plain',
    'emoji 💥 and ünïcödé',
    { a: ['x', { b: 'y' }], c: true },
    [[[[['deep']]]]],
  ]) {
    assert.equal(findUnstorableText(value), undefined, JSON.stringify(value));
  }
});

test('a NUL character is found, with a JSON pointer to it', () => {
  assert.equal(findUnstorableText('a\u0000b'), '');
  assert.equal(findUnstorableText({ name: 'ok', nested: { list: ['fine', 'bad\u0000'] } }), '/nested/list/1');
  assert.equal(findUnstorableText({ 'key\u0000': 1 }), '/key\u0000');
  assert.equal(findUnstorableText({ 'a/b~c': '\u0000' }), '/a~1b~0c');
});

test('unpaired surrogates are found; paired ones are fine', () => {
  assert.equal(findUnstorableText('\ud83d\udca5'), undefined);
  for (const bad of ['\ud800', 'x\ud800', '\ud800x', '\udc00', 'x\udc00y', '\udc00\ud800']) {
    assert.equal(findUnstorableText({ v: bad }), '/v', JSON.stringify(bad));
  }
});

test('very deep nesting does not overflow the stack', () => {
  let value: unknown = 'end\u0000';
  for (let i = 0; i < 100_000; i++) value = [value];
  assert.equal(findUnstorableText(value)?.length, 200_000);
});

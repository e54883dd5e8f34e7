import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  emptyContent,
  freshId,
  type GroupNode,
  localProblems,
  parseAmount,
  problemsByNode,
  removeNode,
  updateNode,
} from './tree.ts';

const SERIES = '00000000-0000-4000-8000-000000000001';

function tree(): GroupNode {
  return {
    id: 'root',
    type: 'all',
    children: [
      { id: 'c1', type: 'component', seriesId: SERIES },
      {
        id: 'g1',
        type: 'n-of',
        n: 1,
        children: [
          { id: 'c2', type: 'component', seriesId: SERIES, requires: ['c1', 'c3'] },
          { id: 'c3', type: 'component', seriesId: SERIES },
        ],
      },
      { id: 'c4', type: 'component', seriesId: SERIES, requires: ['c3'] },
    ],
  };
}

describe('pathway builder tree helpers', () => {
  test('fresh ids skip the ones in use', () => {
    assert.equal(freshId(tree(), 'c'), 'c5');
    assert.equal(freshId(tree(), 'g'), 'g2');
  });

  test('removing a group drops its nodes and every requirement on them, leaving the input untouched', () => {
    const before = tree();
    const after = removeNode(before, 'g1') as GroupNode;
    assert.deepEqual(
      after.children.map((node) => node.id),
      ['c1', 'c4'],
    );
    assert.equal('requires' in after.children[1]!, false, 'c4 required c3, which is gone');
    assert.equal(before.children.length, 3);
    const withoutC3 = removeNode(before, 'c3') as GroupNode;
    const c2 = (withoutC3.children[1] as GroupNode).children[0]!;
    assert.deepEqual('requires' in c2 ? c2.requires : null, ['c1']);
    assert.equal(removeNode(before, 'root'), before, 'the root stays');
  });

  test('updating a nested node replaces only that node', () => {
    const before = tree();
    const after = updateNode(before, 'c3', (node) => ({ ...node, title: 'Three' })) as GroupNode;
    assert.equal(after.children[0], before.children[0], 'untouched siblings are shared');
    assert.equal(((after.children[1] as GroupNode).children[1] as { title?: string }).title, 'Three');
  });

  test('each problem lands on the deepest node its pointer names; the rest on the pathway', () => {
    const byNode = problemsByNode(tree(), [
      { code: 'invalid_n', pointer: '/root/children/1/n', message: 'n' },
      { code: 'cyclic_requirement', pointer: '/root/children/1/children/0/requires/1', message: 'cycle' },
      { code: 'schema', pointer: '/content/root/children/2/seriesId', message: 'pattern' },
      { code: 'target_not_issuable', pointer: '/target/seriesId', message: 'target' },
    ]);
    assert.deepEqual(
      byNode.get('/root/children/1')?.map((p) => p.code),
      ['invalid_n'],
    );
    assert.deepEqual(
      byNode.get('/root/children/1/children/0')?.map((p) => p.code),
      ['cyclic_requirement'],
    );
    assert.deepEqual(
      byNode.get('/root/children/2')?.map((p) => p.pointer),
      ['/root/children/2/seriesId'],
    );
    assert.deepEqual(
      byNode.get('')?.map((p) => p.code),
      ['target_not_issuable'],
    );
  });

  test('the browser names the blanks before asking the server', () => {
    assert.deepEqual(
      localProblems(emptyContent()).map((problem) => problem.code),
      ['missing_title', 'missing_target', 'empty_group'],
    );
    const filled = {
      ...emptyContent(),
      title: 'T',
      target: { kind: 'definition' as const, seriesId: SERIES },
    };
    assert.deepEqual(localProblems({ ...filled, root: tree() }), []);
  });

  test('amounts: empty or not a number is unset; a decimal comma is read', () => {
    assert.equal(parseAmount(''), undefined);
    assert.equal(parseAmount('abc'), undefined);
    assert.equal(parseAmount('2,5'), 2.5);
    assert.equal(parseAmount('10'), 10);
  });
});

import { listNameOf } from './list-sync.executor';

describe('listNameOf', () => {
  it.each([
    ['{name}', 'Trial users', 'Trial users'],
    ['{name}', 'A $& B', 'A $& B'],
    ['{name}', 'Pay $$ users', 'Pay $$ users'],
    ['Heap: {name} ({name})', 'X', 'Heap: X (X)'],
  ])('%s with segment %p → %p', (template, name, expected) => {
    expect(listNameOf(template, { name, segmentId: '1' })).toBe(expected);
  });

  it('uses #<segmentId> before Heap sent a name', () => {
    expect(listNameOf('{name}', { name: null, segmentId: '4242' })).toBe('#4242');
  });
});

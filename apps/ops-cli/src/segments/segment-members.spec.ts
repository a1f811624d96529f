import { parseSegmentMembers } from './segment-members.reader';
import { planSegmentImport } from './segment-members.planner';

describe('parseSegmentMembers', () => {
  it('reads the email column of a CSV, trimming, dropping empties and case-insensitive duplicates', () => {
    const csv =
      'name,email\nJane,jane@example.com\nJoe, JOE@example.com \nEmpty,\nJane again,Jane@Example.com\n';
    expect(parseSegmentMembers(csv, 'csv')).toEqual(['jane@example.com', 'JOE@example.com']);
  });

  it('falls back to the first CSV column when the named one is absent', () => {
    expect(parseSegmentMembers('contact\na@x.io\nb@x.io\n', 'csv')).toEqual(['a@x.io', 'b@x.io']);
  });

  it('reads JSON strings or objects', () => {
    expect(parseSegmentMembers('["a@x.io", " b@x.io "]', 'json')).toEqual(['a@x.io', 'b@x.io']);
    expect(parseSegmentMembers('[{"email":"a@x.io"},{"email":"A@x.io"}]', 'json')).toEqual(['a@x.io']);
  });

  it('names the bad JSON member', () => {
    expect(() => parseSegmentMembers('[{"mail":"a@x.io"}]', 'json')).toThrow(
      'member 0: expected a string or an object with a string "email"',
    );
    expect(() => parseSegmentMembers('{"a":1}', 'json')).toThrow('must hold an array');
  });
});

describe('planSegmentImport', () => {
  const input = {
    portalId: 62515,
    segmentId: '4242',
    segmentName: 'Trial users',
    members: ['a@x.io', 'b@x.io', 'c@x.io'],
    pageSize: 2,
    syncTaskId: 'import-1',
    receivedAt: 1_700_000_000_000,
  };

  it('snapshot: a drain, then pages of one sync task', () => {
    const records = planSegmentImport({ ...input, mode: 'snapshot' });
    expect(records.map((r) => [r.action, r.pageNumber, r.totalPages, r.add])).toEqual([
      ['drain', null, null, []],
      ['sync', 1, 2, ['a@x.io', 'b@x.io']],
      ['sync', 2, 2, ['c@x.io']],
    ]);
    expect(new Set(records.map((r) => r.source))).toEqual(new Set(['import']));
    expect(records.slice(1).every((r) => r.syncTaskId === 'import-1')).toBe(true);
    expect(records.map((r) => r.receivedAt - input.receivedAt)).toEqual([0, 1, 1]); // pages after the drain
  });

  it('add: only the pages; an empty file is one empty page', () => {
    expect(planSegmentImport({ ...input, mode: 'add' }).map((r) => r.action)).toEqual(['sync', 'sync']);
    const empty = planSegmentImport({ ...input, members: [], mode: 'add' });
    expect(empty).toHaveLength(1);
    expect(empty[0]!.add).toEqual([]);
  });
});

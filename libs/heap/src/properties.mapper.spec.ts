import { cutString, flattenProperties } from './properties.mapper';

describe('flattenProperties', () => {
  const cases: [string, Record<string, unknown>, Record<string, string | number>][] = [
    ['keeps strings and numbers', { a: 'x', b: 1.5, c: 0 }, { a: 'x', b: 1.5, c: 0 }],
    [
      'flattens nested objects with "."',
      { browser: { name: 'Edge', os: { v: 10 } } },
      { 'browser.name': 'Edge', 'browser.os.v': 10 },
    ],
    ['joins arrays with ||', { tags: ['promo', 'launch'] }, { tags: 'promo||launch' }],
    [
      'leaves null/empty items out of arrays',
      { v: ['', null, 'a', undefined, 2, true] },
      { v: 'a||2||true' },
    ],
    ['JSON-encodes objects inside arrays', { s: [{ id: 1 }] }, { s: '{"id":1}' }],
    ['drops empty arrays', { v: [], w: [''] }, {}],
    ['stringifies booleans', { yes: true, no: false }, { yes: 'true', no: 'false' }],
    ['drops null, undefined and empty strings', { a: null, b: undefined, c: '', d: ' ' }, { d: ' ' }],
    ['drops non-finite numbers', { a: Number.NaN, b: Infinity, c: -Infinity }, {}],
    [
      'dates become ISO 8601',
      { at: new Date(Date.UTC(2024, 4, 2, 9, 15, 30, 120)) },
      { at: '2024-05-02T09:15:30.120Z' },
    ],
    ['bigints become decimal strings', { big: 12345678901234567890n }, { big: '12345678901234567890' }],
    ['drops functions and symbols', { f: () => 1, s: Symbol('x') }, {}],
    ['renames id (any casing) to hubspot_id', { ID: 5101 }, { hubspot_id: 5101 }],
    ['an explicit hubspot_id wins over a renamed id', { id: 1, hubspot_id: 2 }, { hubspot_id: 2 }],
    ['nested id keys are not reserved', { sentBy: { id: 'abc' } }, { 'sentBy.id': 'abc' }],
    ['drops empty objects', { location: {} }, {}],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(flattenProperties(input)).toEqual(expected);
  });

  it('cuts strings and joined arrays to maxValueLength (default 1023)', () => {
    const out = flattenProperties({ s: 'x'.repeat(2000), a: ['y'.repeat(600), 'z'.repeat(600)] });
    expect(out['s']).toBe('x'.repeat(1023));
    expect(out['a']).toBe(`${'y'.repeat(600)}||${'z'.repeat(421)}`);
    expect(flattenProperties({ s: 'abcdef' }, { maxValueLength: 3 })).toEqual({ s: 'abc' });
  });

  it('drops keys longer than maxKeyLength instead of cutting them', () => {
    expect(flattenProperties({ [`k${'x'.repeat(1023)}`]: 1, ok: 2 })).toEqual({ ok: 2 });
    expect(flattenProperties({ a: { bc: 1 } }, { maxKeyLength: 4 })).toEqual({ 'a.bc': 1 });
    expect(flattenProperties({ a: { bcd: 1 } }, { maxKeyLength: 4 })).toEqual({});
  });

  it('survives cyclic input', () => {
    const node: Record<string, unknown> = { a: 1 };
    node['self'] = node;
    expect(flattenProperties(node)).toEqual({ a: 1 });
  });
});

describe('cutString', () => {
  it('never splits a surrogate pair', () => {
    expect(cutString('ab😀', 3)).toBe('ab');
    expect(cutString('ab😀', 4)).toBe('ab😀');
    expect(cutString('abc', 5)).toBe('abc');
  });
});

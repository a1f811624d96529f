import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '@hubheap/testing';
import {
  type ContactPropertyDefinition,
  heapPropertyNames,
  mapContactProperties,
  toHeapPropertyValue,
} from './contact-properties.mapper';

const def = (
  name: string,
  label: string,
  type = 'string',
  fieldType = 'text',
): ContactPropertyDefinition => ({
  name,
  label,
  type,
  fieldType,
});

const fixtureDefinitions = (): ContactPropertyDefinition[] =>
  (
    JSON.parse(readFileSync(join(fixturesDir(), 'contact-properties.json'), 'utf8')) as {
      results: ContactPropertyDefinition[];
    }
  ).results;

const fixtureContacts = (): Array<{ id: string; properties: Record<string, string | number | null> }> =>
  readFileSync(join(fixturesDir(), 'contacts.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; properties: Record<string, string | number | null> });

describe('toHeapPropertyValue', () => {
  it.each([
    ['datetime ISO', 'datetime', 'date', '2026-02-01T08:30:00.000Z', '2026-02-01T08:30:00.000Z'],
    [
      'datetime with µs and offset',
      'datetime',
      'date',
      '2020-12-11T01:29:50.116000+00:00',
      '2020-12-11T01:29:50.116Z',
    ],
    ['datetime ms epoch string', 'datetime', 'date', '1700000000000', '2023-11-14T22:13:20.000Z'],
    [
      'datetime ms epoch number',
      'datetime',
      'calculation_read_time',
      1700000000000,
      '2023-11-14T22:13:20.000Z',
    ],
    ['datetime unparseable kept as text', 'datetime', 'date', 'soon', 'soon'],
    [
      'datetime without zone read as UTC',
      'datetime',
      'date',
      '2026-02-01T08:30:00',
      '2026-02-01T08:30:00.000Z',
    ],
    ['date YYYY-MM-DD', 'date', 'date', '2026-02-01', '2026-02-01T00:00:00.000Z'],
    ['date ms epoch midnight', 'date', 'date', '1769904000000', '2026-02-01T00:00:00.000Z'],
    ['number integer', 'number', 'number', '42', 42],
    ['number decimal', 'number', 'number', '17.5', 17.5],
    ['number from JSON number', 'number', 'calculation_equation', 0.29, 0.29],
    ['number beyond 2^53 kept as text', 'number', 'number', '12345678901234567890', '12345678901234567890'],
    ['number not numeric kept as text', 'number', 'number', 'n/a', 'n/a'],
    ['bool true', 'bool', 'booleancheckbox', 'true', 'true'],
    ['bool false', 'bool', 'booleancheckbox', 'false', 'false'],
    ['bool from JSON boolean', 'bool', 'calculation_equation', true, 'true'],
    ['enumeration booleancheckbox', 'enumeration', 'booleancheckbox', 'TRUE', 'true'],
    ['enumeration select', 'enumeration', 'select', 'marketingqualifiedlead', 'marketingqualifiedlead'],
    ['enumeration radio', 'enumeration', 'radio', 'lead', 'lead'],
    [
      'enumeration multi-checkbox',
      'enumeration',
      'checkbox',
      'BUDGET_HOLDER;END_USER',
      'BUDGET_HOLDER||END_USER',
    ],
    ['enumeration append-style leading ;', 'enumeration', 'checkbox', ';A; ;B;', 'A||B'],
    ['enumeration only separators', 'enumeration', 'checkbox', ';;', undefined],
    ['string', 'string', 'text', 'Jane', 'Jane'],
    ['phone_number', 'phone_number', 'phonenumber', '555-122-2323', '555-122-2323'],
    ['unknown type as text', 'mystery', 'text', 'x', 'x'],
    ['json is internal', 'json', 'text', '{"a":1}', undefined],
    ['object_coordinates is internal', 'object_coordinates', 'text', '1,2', undefined],
    ['null', 'string', 'text', null, undefined],
    ['missing', 'number', 'number', undefined, undefined],
    ['blank string', 'datetime', 'date', '  ', undefined],
  ])('%s', (_name, type, fieldType, raw, expected) => {
    expect(toHeapPropertyValue({ type, fieldType }, raw)).toEqual(expected);
  });

  it('cuts strings to 1023 characters without splitting a surrogate pair', () => {
    expect(toHeapPropertyValue({ type: 'string', fieldType: 'textarea' }, 'a'.repeat(5000))).toHaveLength(
      1023,
    );
    const emoji = `${'a'.repeat(1022)}😀`;
    expect(toHeapPropertyValue({ type: 'string', fieldType: 'text' }, emoji)).toBe('a'.repeat(1022));
  });

  it('cuts a long multi-checkbox list at an item boundary, never inside an option value', () => {
    const many = Array.from({ length: 500 }, (_, i) => `option${i}`);
    const value = String(toHeapPropertyValue({ type: 'enumeration', fieldType: 'checkbox' }, many.join(';')));
    expect(value.length).toBeLessThanOrEqual(1023);
    const items = value.split('||');
    expect(items).toEqual(many.slice(0, items.length));
    expect(`${value}||${many[items.length]}`.length).toBeGreaterThan(1023); // as many as fit
  });

  it.each([
    ['a datetime beyond what a Date holds', 'datetime', '99999999999999999', '99999999999999999'],
    ['free text Date.parse would accept', 'datetime', 'Tomorrow 1', 'Tomorrow 1'],
    ['an ISO date', 'date', '2026-02-01', '2026-02-01T00:00:00.000Z'],
    ['a negative epoch (before 1970)', 'datetime', '-86400000', '1969-12-31T00:00:00.000Z'],
  ])('maps %s without throwing', (_what, type, raw, expected) => {
    expect(toHeapPropertyValue({ type, fieldType: 'date' }, raw)).toBe(expected);
  });
});

describe('heapPropertyNames', () => {
  it('never gives two HubSpot properties one Heap name, nor a reserved one (fallbacks clash again)', () => {
    const names = heapPropertyNames([
      def('x', 'Dup'),
      def('y', 'Dup'),
      def('z', 'Dup (x)'),
      def('w', 'x'),
      def('user_id', 'Dup (user_id)'),
      def('v', 'Dup'),
    ]);
    const values = [...names.values()].map((n) => n.toLowerCase());
    expect(new Set(values).size).toBe(values.length);
    expect(values.filter((n) => /^(id|user_id|identity|email)$/.test(n))).toEqual([]);
    // Deterministic whatever the order.
    const reversed = heapPropertyNames([
      def('v', 'Dup'),
      def('user_id', 'Dup (user_id)'),
      def('w', 'x'),
      def('z', 'Dup (x)'),
      def('y', 'Dup'),
      def('x', 'Dup'),
    ]);
    expect(reversed).toEqual(names);
  });

  it('uses the trimmed label, whitespace collapsed', () => {
    expect(heapPropertyNames([def('firstname', '  First   Name ')]).get('firstname')).toBe('First Name');
  });

  it('maps HubSpot email to the built-in lowercase email', () => {
    expect(heapPropertyNames([def('email', 'Email')]).get('email')).toBe('email');
  });

  it.each(['id', 'ID', 'Id', 'iD', 'user_id', 'Identity', 'EMAIL', 'email'])(
    'suffixes reserved label %s',
    (label) => {
      expect(heapPropertyNames([def('custom_x', label)]).get('custom_x')).toBe(`${label} (custom_x)`);
    },
  );

  it('suffixes every sharer of a label (case-insensitive), whatever the order', () => {
    const defs = [def('b_prop', 'Score'), def('a_prop', 'score'), def('c_prop', 'Other')];
    const forward = heapPropertyNames(defs);
    expect(Object.fromEntries(forward)).toEqual({
      a_prop: 'score (a_prop)',
      b_prop: 'Score (b_prop)',
      c_prop: 'Other',
    });
    expect(heapPropertyNames([...defs].reverse())).toEqual(forward);
  });

  it('falls back to the internal name when a suffixed name still collides', () => {
    const names = heapPropertyNames([def('a', 'X'), def('b', 'X'), def('c', 'X (a)')]);
    expect(names.get('a')).toBe('a');
    expect(names.get('c')).toBe('c');
    expect(names.get('b')).toBe('X (b)');
  });

  it('uses the internal name for an empty label and keeps names within 1023 characters', () => {
    const names = heapPropertyNames([
      def('blank', '   '),
      def('long1', 'L'.repeat(2000)),
      def('long2', 'L'.repeat(2000)),
    ]);
    expect(names.get('blank')).toBe('blank');
    expect(names.get('long1')).toHaveLength(1023);
    expect(names.get('long1')!.endsWith(' (long1)')).toBe(true);
  });

  it('gives the 324 fixture properties 324 distinct names, none reserved', () => {
    const defs = fixtureDefinitions();
    const names = heapPropertyNames(defs);
    expect(names.size).toBe(defs.length);
    expect(new Set([...names.values()].map((n) => n.toLowerCase())).size).toBe(defs.length);
    expect([...names.values()].filter((n) => /^(id|user_id|identity)$/i.test(n))).toEqual([]);
    expect(names.get('hs_email_hard_bounce_reason')).toBe(
      'Email hard bounce reason (hs_email_hard_bounce_reason)',
    );
    expect(names.get('hs_email_hard_bounce_reason_enum')).toBe(
      'Email hard bounce reason (hs_email_hard_bounce_reason_enum)',
    );
    expect(names.get('lifecyclestage')).toBe('Lifecycle Stage');
  });
});

describe('mapContactProperties (fixture contacts)', () => {
  const defs = fixtureDefinitions();
  const byName = new Map(defs.map((d) => [d.name, d]));
  const naming = heapPropertyNames(defs);

  it('maps contact 201 by type and leaves empty values out', () => {
    const contact = fixtureContacts().find((c) => c.id === '201')!;
    const out = mapContactProperties(byName, naming, contact.properties);
    expect(out).toMatchObject({
      email: 'user9@example.com',
      'First Name': 'test',
      'Lifecycle Stage': 'subscriber',
      'Create Date': '2021-01-14T14:26:17.014Z',
      'Phone Number': '555-122-2323',
      'Number of Pageviews': 0,
    });
    expect(Object.values(out)).not.toContain(null);
    expect(Object.values(out)).not.toContain('');
    expect('Fax Number' in out).toBe(false);
    for (const value of Object.values(out)) expect(['string', 'number']).toContain(typeof value);
  });

  it('sends "" for an empty property the change named, to clear the Heap value', () => {
    const out = mapContactProperties(
      byName,
      naming,
      { fax: null, firstname: 'Ann' },
      { clear: new Set(['fax']) },
    );
    expect(out).toEqual({ 'Fax Number': '', 'First Name': 'Ann' });
  });

  it('ignores properties without a definition', () => {
    expect(mapContactProperties(byName, naming, { not_defined_here: 'x' })).toEqual({});
  });
});

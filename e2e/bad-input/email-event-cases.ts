import type { SkipReason } from '@hubheap/hubspot';

/**
 * What an email event must become (libs/hubspot README, apps/identity-resolution README "Skips",
 * apps/webhook-intake README "Failures"): a Heap event (with `check` on the stored event), a
 * documented skip counted on identity-resolution's `/metrics`, or an event the poller refuses
 * (`invalid-event` on webhook-intake's `/metrics`).
 */
export type EmailEventOutcome =
  | { heap: { identity: string; check?: (properties: Record<string, unknown>) => void } }
  | { skip: SkipReason }
  | { invalidEvent: true };

export interface EmailEventCase {
  name: string;
  /** Fields over the base OPEN event (`undefined` removes a field). */
  fields: Record<string, unknown>;
  outcome: EmailEventOutcome;
}

const TEN_KB = 'x'.repeat(10_240);
const LONG_ADDRESS = `${'a'.repeat(288)}@example.com`; // 300 characters

/** Asserts a value is what a Heap property may hold (flat, string or number, < 1024 chars). */
export const isHeapScalar = (value: unknown): boolean =>
  (typeof value === 'string' && value.length <= 1023) ||
  (typeof value === 'number' && Number.isFinite(value));

const expectEqual = (actual: unknown, expected: unknown, what: string): void => {
  if (actual !== expected)
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
};

export const EMAIL_EVENT_CASES: EmailEventCase[] = [
  {
    name: 'nested objects and arrays inside browser',
    fields: {
      browser: {
        name: { deep: { deeper: 1 } },
        family: 'Chrome',
        type: ['Browser', { x: 1 }],
        version: [120, 0],
      },
    },
    outcome: {
      heap: {
        identity: 'nested-browser@example.com',
        check: (p) => {
          expectEqual(p['browser_family'], 'Chrome', 'browser_family');
          expectEqual(p['browser_name'], undefined, 'browser_name (object dropped)');
          expectEqual(p['browser_type'], 'Browser', 'browser_type (object element dropped)');
          expectEqual(p['browser_version'], '120||0', 'browser_version (list joined)');
        },
      },
    },
  },
  {
    name: 'nested object in location, "Unknown" placeholder',
    fields: { location: { city: { name: 'Berlin' }, country: 'Unknown', state: 'BE', latitude: 52.52 } },
    outcome: {
      heap: {
        identity: 'nested-location@example.com',
        check: (p) => {
          expectEqual(p['location_city'], undefined, 'location_city (object dropped)');
          expectEqual(p['location_country'], undefined, 'location_country (Unknown dropped)');
          expectEqual(p['location_state'], 'BE', 'location_state');
          expectEqual(p['location_latitude'], 52.52, 'location_latitude');
        },
      },
    },
  },
  {
    name: 'arrays in scalar fields',
    fields: { subject: ['Hello', 'World'], deviceType: [], userAgent: [['nested']] },
    outcome: {
      heap: {
        identity: 'arrays@example.com',
        check: (p) => expectEqual(p['subject'], 'Hello||World', 'subject (list joined)'),
      },
    },
  },
  {
    name: '10 KB strings',
    fields: { subject: TEN_KB, userAgent: TEN_KB, url: `https://example.com/?q=${TEN_KB}` },
    outcome: {
      heap: {
        identity: 'ten-kb@example.com',
        check: (p) => {
          expectEqual(String(p['subject']).length, 1023, 'subject length (cut to 1023)');
          expectEqual(String(p['user_agent']).length, 1023, 'user_agent length (cut to 1023)');
        },
      },
    },
  },
  {
    name: 'nulls everywhere optional',
    fields: {
      browser: null,
      location: null,
      subject: null,
      appName: null,
      emailCampaignId: null,
      appId: null,
      sentBy: null,
    },
    outcome: {
      heap: {
        identity: 'nulls@example.com',
        check: (p) => expectEqual(p['subject'], undefined, 'subject (null dropped)'),
      },
    },
  },
  {
    name: 'non-ASCII and emoji values',
    fields: { subject: 'Grüße 🎉 — 日本語 ñ' },
    outcome: {
      heap: {
        identity: 'unicode@example.com',
        check: (p) => expectEqual(p['subject'], 'Grüße 🎉 — 日本語 ñ', 'subject'),
      },
    },
  },
  {
    name: 'recipient with spaces and upper case',
    fields: { recipient: '  Mixed.Case@Example.COM ' },
    outcome: { heap: { identity: 'mixed.case@example.com' } },
  },
  {
    name: 'booleans, huge numbers and an unknown deep field',
    fields: { duration: 1e300, weird: { a: { b: { c: [1, { d: 2 }] } } }, filteredEvent: false },
    outcome: {
      heap: {
        identity: 'odd-values@example.com',
        check: (p) => expectEqual(p['filtered_event'], 'false', 'filtered_event (boolean as string)'),
      },
    },
  },
  {
    name: 'portalId of another portal (the polled portal wins)',
    fields: { portalId: 1 },
    outcome: { heap: { identity: 'foreign-portal@example.com' } },
  },
  { name: 'recipient "null"', fields: { recipient: 'null' }, outcome: { skip: 'no-recipient' } },
  { name: 'recipient "undefined"', fields: { recipient: 'undefined' }, outcome: { skip: 'no-recipient' } },
  { name: 'recipient ""', fields: { recipient: '' }, outcome: { skip: 'no-recipient' } },
  { name: 'recipient "  "', fields: { recipient: '   ' }, outcome: { skip: 'no-recipient' } },
  {
    name: 'recipient without "@"',
    fields: { recipient: 'jane.example.com' },
    outcome: { skip: 'no-recipient' },
  },
  { name: 'recipient null', fields: { recipient: null }, outcome: { skip: 'no-recipient' } },
  { name: 'recipient missing', fields: { recipient: undefined }, outcome: { skip: 'no-recipient' } },
  {
    name: 'recipient a nested object',
    fields: { recipient: { email: 'a@b.c' } },
    outcome: { skip: 'no-recipient' },
  },
  {
    name: 'recipient of 300 characters',
    fields: { recipient: LONG_ADDRESS },
    outcome: { skip: 'identity-too-long' },
  },
  {
    name: 'recipient of 10 KB',
    fields: { recipient: `${TEN_KB}@example.com` },
    outcome: { skip: 'identity-too-long' },
  },
  {
    name: 'unknown type WIDGET_VIEWED',
    fields: { type: 'WIDGET_VIEWED' },
    outcome: { skip: 'unsupported-type' },
  },
  { name: 'type null', fields: { type: null }, outcome: { skip: 'unsupported-type' } },
  { name: 'type in lower case ("open")', fields: { type: 'open' }, outcome: { skip: 'unsupported-type' } },
  { name: 'filtered (bot) open', fields: { filteredEvent: true }, outcome: { skip: 'filtered' } },
  {
    name: 'obsoleted event',
    fields: { obsoletedBy: { id: 'newer-event', created: 1 } },
    outcome: { skip: 'obsoleted' },
  },
  { name: 'no id', fields: { id: undefined }, outcome: { invalidEvent: true } },
  { name: 'created not a number', fields: { created: 'yesterday' }, outcome: { invalidEvent: true } },
  // The poller's planner needs a JSON number to window and dedupe on (the mapper would accept it).
  {
    name: 'created as a numeric string',
    fields: { created: '1710000000123' },
    outcome: { invalidEvent: true },
  },
];

/** Recipient of a Heap case (so keys differ per case), or the case's own recipient field. */
export const caseRecipient = (c: EmailEventCase): unknown =>
  'recipient' in c.fields
    ? c.fields['recipient']
    : 'heap' in c.outcome
      ? c.outcome.heap.identity
      : 'skip@example.com';

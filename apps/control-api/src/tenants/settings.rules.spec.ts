import { applySegmentMode, SETTINGS_PATCH, settingsRecord } from './settings.rules';
import type { SegmentSetting, Tenant } from './tenant.model';
import { sourceStatus, tenantView } from './tenant-view';

const tenant = (over: Partial<Tenant> = {}): Tenant => ({
  id: 't1',
  name: 'Acme',
  portalId: 62515,
  heapAppId: '1234',
  state: 'active',
  hubspotMethod: 'oauth',
  hubspotExpiresAt: new Date('2026-11-29T18:00:00Z'),
  hubspotScopes: ['oauth'],
  sourceEnabled: true,
  emailProperty: 'identity',
  heapMatchProperty: 'email',
  hubspotMatchProperty: 'email',
  segments: [],
  settingsVersion: 3,
  settingsUpdatedAt: new Date(1_700_000_000_000),
  createdAt: new Date(0),
  secretKinds: ['hubspot_access_token', 'heap_api_key'],
  ...over,
});
const status = { firstEventAt: new Date(1), lastEventAt: new Date(2), eventsWritten: 5 };

describe('segment modes', () => {
  const recurring = (n: number): SegmentSetting[] =>
    Array.from({ length: n }, (_, i) => ({ segmentId: `s${i}`, name: null, mode: 'recurring' }));

  it('refuses a 31st recurring segment but lets a recurring one change or stay', () => {
    expect(applySegmentMode(recurring(30), 'new', 'recurring')).toEqual({
      ok: false,
      error: expect.stringMatching(/30/),
    });
    expect(applySegmentMode(recurring(30), 's3', 'recurring').ok).toBe(true);
    expect(applySegmentMode(recurring(30), 'new', 'one-time').ok).toBe(true);
    expect(applySegmentMode(recurring(29), 'new', 'recurring').ok).toBe(true);
  });

  it('adds new segments and keeps a known name unless a new one is given', () => {
    const first = applySegmentMode([], '42', 'one-time', 'Trials');
    expect(first).toEqual({ ok: true, segments: [{ segmentId: '42', name: 'Trials', mode: 'one-time' }] });
    const again = first.ok ? applySegmentMode(first.segments, '42', 'off') : first;
    expect(again).toEqual({ ok: true, segments: [{ segmentId: '42', name: 'Trials', mode: 'off' }] });
  });
});

describe('settings', () => {
  it('patch bodies are strict and typed', () => {
    expect(SETTINGS_PATCH.safeParse({ sourceEnabled: false, emailProperty: 'work_email' }).success).toBe(
      true,
    );
    expect(SETTINGS_PATCH.safeParse({ sourceEnabled: 'no' }).success).toBe(false);
    expect(SETTINGS_PATCH.safeParse({ emailProperty: '' }).success).toBe(false);
    expect(SETTINGS_PATCH.safeParse({ apiKey: 'x' }).success).toBe(false);
  });

  it('the record carries settings and no secret; an unchosen email property holds the source', () => {
    const record = settingsRecord(tenant({ segments: [{ segmentId: '1', name: 'A', mode: 'recurring' }] }));
    expect(record).toEqual({
      portalId: 62515,
      tenantId: 't1',
      heapAppId: '1234',
      state: 'active',
      sourceEnabled: true,
      emailProperty: 'identity',
      heapMatchProperty: 'email',
      hubspotMatchProperty: 'email',
      segments: [{ segmentId: '1', name: 'A', mode: 'recurring' }],
      version: 3,
      updatedAt: 1_700_000_000_000,
    });
    expect(settingsRecord(tenant({ emailProperty: null })).sourceEnabled).toBe(false);
    expect(settingsRecord(tenant({ state: 'disconnected' }))).toMatchObject({
      state: 'disconnected',
      sourceEnabled: false,
    });
  });
});

describe('source status', () => {
  it.each([
    [tenant({ state: 'disconnected' }), status, 'Disconnected'],
    [tenant({ hubspotMethod: null }), null, 'Not set up'],
    [tenant({ emailProperty: null }), status, 'Not set up'],
    [tenant({ sourceEnabled: false }), status, 'Paused'],
    [tenant(), null, 'Waiting for data'],
    [tenant(), status, 'Connected'],
    // A tenant re-created for a pairing: the pairing's events before it are an earlier tenant's.
    [tenant({ createdAt: new Date(3) }), status, 'Waiting for data'],
    [tenant({ createdAt: new Date(2) }), status, 'Connected'],
  ])('%#: → %s', (t, s, expected) => {
    expect(sourceStatus(t, s)).toBe(expected);
  });

  it('the view shows which secrets are set, never values, and the last run per segment', () => {
    const view = tenantView(
      tenant({ segments: [{ segmentId: '9', name: null, mode: 'one-time' }] }),
      status,
      new Map([['9', { runId: 'r' }]]),
    );
    expect(view.heap).toEqual({ apiKeySet: true, segmentsWebhookSecretSet: false });
    expect(view.status).toEqual({
      source: 'Connected',
      firstEventAt: '1970-01-01T00:00:00.001Z',
      lastEventAt: '1970-01-01T00:00:00.002Z',
      eventsWritten: 5,
    });
    expect(view.destination.segments).toEqual([
      { segmentId: '9', name: null, mode: 'one-time', lastRun: { runId: 'r' } },
    ]);
    expect(tenantView(tenant({ emailProperty: null }), null).settings.emailProperty).toBe('');
  });
});

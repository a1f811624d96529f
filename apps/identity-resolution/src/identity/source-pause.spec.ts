import type { ConsumedRecord } from '@hubheap/kafka';
import type { IntegrationSettings } from '@hubheap/schemas';
import { directoryFromSettings, statusOfSettings, tenantDirectory } from '../tenants.config';
import { gateBySource, runsByTopic, settingsTransition, SourcePausedAgainError } from './source-pause';

const settings = (overrides: Partial<IntegrationSettings> = {}): IntegrationSettings => ({
  portalId: 62515,
  tenantId: 't-1',
  heapAppId: '1234567890',
  state: 'active',
  sourceEnabled: true,
  emailProperty: 'identity',
  heapMatchProperty: 'email',
  hubspotMatchProperty: 'email',
  segments: [],
  version: 1,
  updatedAt: 1_700_000_000_000,
  ...overrides,
});

const rec = (
  portalId: number,
  offset: number,
  topic = 'hubspot.email-events.v1',
): ConsumedRecord<{ portalId: number }> => ({
  topic,
  partition: 0,
  offset: String(offset),
  key: null,
  headers: {},
  timestamp: 0,
  value: { portalId },
});

const portalOf = (r: ConsumedRecord<{ portalId: number }>) => r.value.portalId;
const offsets = (rs: ReadonlyArray<ConsumedRecord<unknown>>) => rs.map((r) => r.offset);

const ACTIVE = 1;
const PAUSED = 2;
const GONE = 3;
const UNKNOWN = 4;
const directory = directoryFromSettings(
  [
    settings({ portalId: ACTIVE, heapAppId: 'a1', emailProperty: 'work_email' }),
    settings({ portalId: PAUSED, heapAppId: 'a2', sourceEnabled: false }),
    settings({ portalId: GONE, heapAppId: 'a3', state: 'disconnected', sourceEnabled: true }),
  ],
  { includeFilteredEvents: false },
);

describe('tenant status from integration.settings.v1', () => {
  it('active + sourceEnabled → active; active + off → paused; disconnected (whatever the toggle) → disconnected', () => {
    expect(statusOfSettings(settings())).toBe('active');
    expect(statusOfSettings(settings({ sourceEnabled: false }))).toBe('paused');
    expect(statusOfSettings(settings({ state: 'disconnected' }))).toBe('disconnected');
    expect(statusOfSettings(settings({ state: 'disconnected', sourceEnabled: false }))).toBe('disconnected');
  });

  it('the directory carries app_id, emailProperty and status per portal; a blank emailProperty means identity', () => {
    expect(directory.byPortal.get(ACTIVE)).toEqual({
      portalId: ACTIVE,
      heapAppId: 'a1',
      emailProperty: 'work_email',
      status: 'active',
    });
    expect(directory.byPortal.get(PAUSED)?.status).toBe('paused');
    expect(
      directoryFromSettings([settings({ emailProperty: ' ' })], {
        includeFilteredEvents: false,
      }).byPortal.get(62515)?.emailProperty,
    ).toBe('identity');
  });
});

describe('gateBySource', () => {
  it('paused → park (with its app_id); disconnected → skip; active and unknown → process; order kept in each list', () => {
    const batch = [
      rec(ACTIVE, 1),
      rec(PAUSED, 2),
      rec(GONE, 3),
      rec(UNKNOWN, 4),
      rec(PAUSED, 5),
      rec(ACTIVE, 6),
    ];
    const gate = gateBySource(batch, portalOf, directory, new Set());
    expect(offsets(gate.process)).toEqual(['1', '4', '6']);
    expect(gate.park.map((p) => [p.record.offset, p.appId])).toEqual([
      ['2', 'a2'],
      ['5', 'a2'],
    ]);
    expect(offsets(gate.disconnected)).toEqual(['3']);
  });

  it('an active portal with records still parked queues behind them (a release is under way)', () => {
    const gate = gateBySource([rec(ACTIVE, 1), rec(UNKNOWN, 2)], portalOf, directory, new Set([ACTIVE]));
    expect(gate.park.map((p) => p.record.offset)).toEqual(['1']);
    expect(offsets(gate.process)).toEqual(['2']);
  });

  it('a release processes the parked records of an active portal; a tenant paused again stops it', () => {
    expect(
      offsets(gateBySource([rec(ACTIVE, 1)], portalOf, directory, new Set([ACTIVE]), true).process),
    ).toEqual(['1']);
    expect(() => gateBySource([rec(PAUSED, 1)], portalOf, directory, new Set(), true)).toThrow(
      SourcePausedAgainError,
    );
    expect(offsets(gateBySource([rec(GONE, 1)], portalOf, directory, new Set(), true).disconnected)).toEqual([
      '1',
    ]);
  });

  it('env tenants (no status) are always processed', () => {
    const env = tenantDirectory({
      tenants: [{ portalId: 9, heapAppId: 'e', emailProperty: 'identity' }],
      includeFilteredEvents: false,
    });
    expect(offsets(gateBySource([rec(9, 1)], portalOf, env, new Set()).process)).toEqual(['1']);
  });
});

describe('settingsTransition', () => {
  it('resume (active + enabled) → release; disconnect → drop; paused or deleted → none', () => {
    expect(settingsTransition(settings(), settings({ sourceEnabled: false }))).toBe('release');
    expect(settingsTransition(settings())).toBe('release');
    expect(settingsTransition(settings({ state: 'disconnected' }), settings())).toBe('drop');
    expect(settingsTransition(settings({ sourceEnabled: false }), settings())).toBe('none');
    expect(settingsTransition(undefined, settings())).toBe('none');
  });
});

describe('runsByTopic', () => {
  it('keeps the release order and cuts it into runs of one origin topic', () => {
    const rows = [
      { origin: rec(1, 1, 'hubspot.email-events.v1') },
      { origin: rec(1, 2, 'hubspot.email-events.v1') },
      { origin: rec(1, 1, 'hubspot.webhook-events.v1') },
    ];
    expect(runsByTopic(rows).map((r) => [r.topic, offsets(r.rows.map((x) => x.origin))])).toEqual([
      ['hubspot.email-events.v1', ['1', '2']],
      ['hubspot.webhook-events.v1', ['1']],
    ]);
  });
});

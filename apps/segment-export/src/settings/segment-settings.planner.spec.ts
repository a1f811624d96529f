import type { IntegrationSettings, SegmentSyncSetting } from '@hubheap/schemas';
import type { SyncMode } from '../sync/sync-mode.rules';
import { planModeChanges, syncModeOf } from './segment-settings.planner';

const settings = (state: string, segments: SegmentSyncSetting[]): IntegrationSettings => ({
  portalId: 62515,
  tenantId: 't',
  heapAppId: '1',
  state,
  sourceEnabled: true,
  emailProperty: 'identity',
  heapMatchProperty: 'email',
  hubspotMatchProperty: 'email',
  segments,
  version: 1,
  updatedAt: 0,
});
const db = (entries: Array<[string, SyncMode]>) => new Map(entries);

describe('segment settings → sync modes', () => {
  it('maps the settings modes (one-time → one_time; anything unknown → off)', () => {
    expect(['off', 'one-time', 'recurring', 'weekly'].map(syncModeOf)).toEqual([
      'off',
      'one_time',
      'recurring',
      'off',
    ]);
  });

  it('active: applies listed modes, turns unlisted segments off, offs first, only differences', () => {
    const changes = planModeChanges(
      settings('active', [
        { segmentId: 's1', name: null, mode: 'recurring' },
        { segmentId: 's2', name: 'B', mode: 'one-time' },
        { segmentId: 's3', name: null, mode: 'recurring' },
      ]),
      db([
        ['s1', 'off'],
        ['s2', 'one_time'],
        ['s3', 'recurring'],
        ['s4', 'recurring'],
      ]),
    );
    expect(changes).toEqual([
      { segmentId: 's4', mode: 'off' },
      { segmentId: 's1', mode: 'recurring' },
    ]);
  });

  it('a segment not in the database yet gets its row through setMode', () => {
    expect(
      planModeChanges(settings('active', [{ segmentId: 'new', name: null, mode: 'one-time' }]), db([])),
    ).toEqual([{ segmentId: 'new', mode: 'one_time' }]);
  });

  it.each([
    ['disconnected', settings('disconnected', [{ segmentId: 's1', name: null, mode: 'recurring' }])],
    ['no settings record', undefined],
  ])('%s: every segment off, nothing turned on', (_name, s) => {
    expect(
      planModeChanges(
        s,
        db([
          ['s1', 'recurring'],
          ['s2', 'one_time'],
          ['s3', 'off'],
        ]),
      ),
    ).toEqual([
      { segmentId: 's1', mode: 'off' },
      { segmentId: 's2', mode: 'off' },
    ]);
  });
});

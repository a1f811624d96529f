import type { KafkaPlatform } from '@hubheap/kafka';
import {
  INTEGRATION_SETTINGS,
  type IntegrationSettings,
  type SegmentSyncSetting,
  type TopicContract,
} from '@hubheap/schemas';
import { TenantSettings } from '@hubheap/service';
import { eventually, testPlatform, uniqueName } from '@hubheap/testing';
import { SyncScheduler } from '../src/sync/sync-scheduler.service';
import { randomPortalId, startSegmentExport, type SegmentExportApp } from './segment-export.harness';

const WAIT = { timeoutMs: 30_000 };

// SETTINGS_SOURCE=topic against the real integration.settings.v1 and Postgres; no HubSpot needed: the
// scheduler never ticks on its own (1 h) and the test checks modes and that no run starts.
describe('segment-export follows integration.settings.v1 (segment modes, disconnect)', () => {
  const portalId = randomPortalId();
  const [recurring, oneTime, dropped] = ['r', 'o', 'd'].map((s) => uniqueName(`seg-${s}`));
  let platform: KafkaPlatform;
  let app: SegmentExportApp | undefined;
  let version = 0;

  const publish = async (state: string, segments: SegmentSyncSetting[]) => {
    version += 1;
    const value: IntegrationSettings = {
      portalId,
      tenantId: `tenant-${portalId}`,
      heapAppId: `app-${portalId}`,
      state,
      sourceEnabled: true,
      emailProperty: 'identity',
      heapMatchProperty: 'email',
      hubspotMatchProperty: 'email',
      segments,
      version,
      updatedAt: Date.now(),
    };
    await (await platform.producer()).send(INTEGRATION_SETTINGS, [{ value }]);
  };
  const modeOf = async (segmentId: string) =>
    (await app!.call('GET', `/segments/${portalId}/${segmentId}`)).body['syncMode'];
  const modesAre = (expected: Record<string, string>) =>
    eventually(
      async () => {
        for (const [segmentId, mode] of Object.entries(expected))
          if ((await modeOf(segmentId)) !== mode) return false;
        return true;
      },
      { ...WAIT, message: `modes ${JSON.stringify(expected)}` },
    );

  beforeAll(async () => {
    platform = testPlatform('segment-export-settings-it');
    await platform.provision([INTEGRATION_SETTINGS] as ReadonlyArray<TopicContract<unknown>>);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('applies the modes at boot and on change; a disconnected tenant gets every segment off and runs no sync', async () => {
    await publish('active', [
      { segmentId: recurring, name: 'Trials', mode: 'recurring' },
      { segmentId: oneTime, name: null, mode: 'one-time' },
      { segmentId: dropped, name: null, mode: 'recurring' },
    ]);
    app = await startSegmentExport({ settingsSource: 'topic', schedulerTickMs: 3_600_000 });
    expect(app.app.get(TenantSettings).get(portalId)?.version).toBe(version);
    await modesAre({ [recurring]: 'recurring', [oneTime]: 'one_time', [dropped]: 'recurring' });
    expect((await app.call('GET', `/segments/${portalId}/${oneTime}`)).body['nextSyncAt']).not.toBeNull();

    // A segment no longer listed is turned off; the others keep their schedule.
    await publish('active', [
      { segmentId: recurring, name: 'Trials', mode: 'recurring' },
      { segmentId: oneTime, name: null, mode: 'one-time' },
    ]);
    await modesAre({ [dropped]: 'off', [recurring]: 'recurring', [oneTime]: 'one_time' });

    await publish('disconnected', [{ segmentId: recurring, name: 'Trials', mode: 'recurring' }]);
    await modesAre({ [recurring]: 'off', [oneTime]: 'off', [dropped]: 'off' });
    await app.app.get(SyncScheduler).tick(Date.now() + 86_400_000);
    for (const segmentId of [recurring, oneTime, dropped])
      expect((await app.call('GET', `/segments/${portalId}/${segmentId}/runs`)).body['runs']).toEqual([]);

    // Reconnecting re-applies the listed modes.
    await publish('active', [{ segmentId: recurring, name: 'Trials', mode: 'recurring' }]);
    await modesAre({ [recurring]: 'recurring', [oneTime]: 'off' });
  });
});

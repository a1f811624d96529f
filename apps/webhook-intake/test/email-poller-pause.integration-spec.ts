import type { KafkaPlatform } from '@hubheap/kafka';
import {
  HUBSPOT_EMAIL_EVENTS,
  INTEGRATION_SETTINGS,
  type HubSpotEmailEvent,
  type IntegrationSettings,
  type TopicContract,
} from '@hubheap/schemas';
import { TenantSettings } from '@hubheap/service';
import { eventually, HubSpotFake, loadEmailEventFixtures, testPlatform } from '@hubheap/testing';
import { DataSource } from 'typeorm';
import { randomPortalId, startIntakeApp, type IntakeApp } from './intake-app.harness';
import { producedSince, topicEnds, type Offsets } from './topic-probe';

const fixtures = loadEmailEventFixtures();
const maxCreated = Math.max(...fixtures.map((e) => e['created'] as number));
const keyOf = (e: HubSpotEmailEvent) => `${e.created}/${e.id}`;
const WAIT = { timeoutMs: 30_000 };

// SETTINGS_SOURCE=topic against the real integration.settings.v1 (shared, so a random portal per run).
describe('Email Events poller obeys integration.settings.v1 (source toggle, disconnect)', () => {
  let platform: KafkaPlatform;
  let hubspot: HubSpotFake;
  let baseUrl: string;
  let app: IntakeApp | undefined;
  const portalId = randomPortalId();
  const token = `token-${portalId}`;
  let version = 0;

  const publish = async (over: Partial<IntegrationSettings>) => {
    version += 1;
    const value: IntegrationSettings = {
      portalId,
      tenantId: `tenant-${portalId}`,
      heapAppId: `app-${portalId}`,
      state: 'active',
      sourceEnabled: true,
      emailProperty: 'identity',
      heapMatchProperty: 'email',
      hubspotMatchProperty: 'email',
      segments: [],
      version,
      updatedAt: Date.now(),
      ...over,
    };
    await (await platform.producer()).send(INTEGRATION_SETTINGS, [{ value }]);
    return value;
  };
  const seen = (predicate: (s: TenantSettings) => boolean, message: string) =>
    eventually(() => predicate(app!.app.get(TenantSettings)), { ...WAIT, message });
  const ours = (v: HubSpotEmailEvent) => v.portalId === portalId;
  const since = (before: Offsets) => producedSince(platform, HUBSPOT_EMAIL_EVENTS, before, ours);
  const ends = () => topicEnds(platform, HUBSPOT_EMAIL_EVENTS.name);
  const resultOf = async () => (await app!.runOnce()).portals.find((p) => p.portalId === portalId)!;
  const requests = () => hubspot.requests().filter((r) => r.token === token).length;

  beforeAll(async () => {
    platform = testPlatform('webhook-intake-pause-it');
    await platform.provision([INTEGRATION_SETTINGS] as ReadonlyArray<TopicContract<unknown>>);
    hubspot = new HubSpotFake();
    ({ baseUrl } = await hubspot.start());
    hubspot.addAccessToken(token, portalId);
    hubspot.seedEmailEvents(portalId, fixtures);
  });

  afterAll(async () => {
    const db = app?.app.get(DataSource);
    for (const table of ['seen_email_event', 'email_poll_cursor'])
      await db?.query(`DELETE FROM webhook_intake.${table} WHERE portal_id = $1`, [portalId]);
    await app?.close();
    await hubspot?.stop();
    await platform?.close();
  });

  it('source off → new HubSpot events are not polled; source on → every one of them produced exactly once', async () => {
    await publish({ sourceEnabled: true });
    // Started after the settings were published: it reads the topic from the beginning at boot.
    app = await startIntakeApp({
      config: {
        settingsSource: 'topic',
        hubspotBaseUrl: baseUrl,
        hubspotPortals: [{ portalId, accessToken: token }],
        pollInitialStart: Date.UTC(2014, 0, 1),
        pollIntervalMs: 3_600_000,
      },
    });
    expect(app.app.get(TenantSettings).get(portalId)?.version).toBe(version);
    expect(await resultOf()).toMatchObject({ status: 'polled', produced: 52 });

    await publish({ sourceEnabled: false });
    await seen((s) => !s.isSourceActive(portalId), 'source off seen');
    const newest = fixtures.find((e) => e['created'] === maxCreated)!;
    const held = [1, 2, 3].map((n) => ({ ...newest, id: `while-paused-${n}`, created: maxCreated + n }));
    hubspot.seedEmailEvents(portalId, held);
    const before = await ends();
    const requestsBefore = requests();
    expect(await resultOf()).toMatchObject({ status: 'paused' });
    expect(requests()).toBe(requestsBefore); // HubSpot not even asked
    expect(await since(before)).toEqual([]);

    await publish({ sourceEnabled: true });
    // Turning the source on polls at once (no need to wait an interval).
    await eventually(async () => (await since(before)).length >= 3, { ...WAIT, message: 'resumed poll' });
    expect(await resultOf()).toMatchObject({ status: 'polled', produced: 0 });
    expect((await since(before)).map(keyOf).sort()).toEqual(held.map((e) => `${e.created}/${e.id}`).sort());
  });

  it('a disconnected tenant is not polled, whatever its source toggle', async () => {
    await publish({ state: 'disconnected', sourceEnabled: true });
    await seen((s) => !s.isConnected(portalId), 'disconnect seen');
    hubspot.seedEmailEvents(portalId, [
      { ...fixtures[0]!, id: 'while-disconnected', created: maxCreated + 10 },
    ]);
    const before = await ends();
    expect(await resultOf()).toMatchObject({ status: 'paused' });
    expect(await since(before)).toEqual([]);
  });
});

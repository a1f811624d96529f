import { randomBytes, randomInt } from 'node:crypto';
import type { KafkaPlatform } from '@hubheap/kafka';
import {
  type AppProcess,
  HeapFake,
  HubSpotFake,
  eventually,
  freePort,
  loadEmailEventFixtures,
  positionGroup,
  stackEndpoints,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import {
  counterValue,
  expectedHeapEvents,
  freshEmailEvents,
  receivedHeapEvents,
} from './source-flow.helpers';

// The control plane drives the HubSpot → Heap source across processes (issue 5): control-api holds the
// tenant, its private-app token and its settings; webhook-intake (SETTINGS_SOURCE=topic,
// HUBSPOT_TOKEN_SOURCE=control-api) polls the portal with the token it gets from control-api and pauses
// it when the source is off or the tenant disconnected; identity-resolution and heap-writer carry the
// events to the Heap fake, and heap-writer's integration.status.v1 report turns the source "Connected".

const POLL_INTERVAL_MS = 1_500;
const DELIVERY_TIMEOUT_MS = 180_000;

describe('control plane: tenant set-up, pause, resume and disconnect of the email source', () => {
  const portalId = randomInt(100_000_000, 999_999_999);
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const privateAppToken = uniqueName('pat');
  const bootstrapKey = randomBytes(24).toString('hex');
  const internalKey = randomBytes(24).toString('hex');
  const fixtures = loadEmailEventFixtures().map((e) => ({ ...e, portalId }));
  const hubspot = new HubSpotFake();
  const heap = new HeapFake({ appIds: [heapAppId] });
  const apps: AppProcess[] = [];
  let platform: KafkaPlatform;
  let controlApi: AppProcess;
  let intake: AppProcess;
  let tenantId: string;

  /** A fresh consumer group positioned at the current end of `topic` (earlier runs' records are not ours). */
  const groupAtEnd = async (prefix: string, topic: string): Promise<string> => {
    const groupId = uniqueName(prefix);
    await positionGroup(platform, groupId, topic, await topicEnds(platform, topic));
    return groupId;
  };

  const api = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key = bootstrapKey,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`http://127.0.0.1:${controlApi.port}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const sourceStatus = async (): Promise<string> =>
    (await api<{ status: { source: string } }>('GET', `/api/tenants/${tenantId}`)).body.status.source;

  /** eventually(), with the apps' recent output in the failure message. */
  const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, message: string) => {
    try {
      await eventually(condition, { timeoutMs, message });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${appsOutput()}`, { cause: error });
    }
  };

  /** webhook-intake's poll decisions for this portal so far, by status (paused, polled, error, …). */
  const polls = async (status: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${intake.port}/metrics`)).text();
    return counterValue(text, 'webhook_intake_email_polls_total', { portal_id: String(portalId), status });
  };
  const producedByIntake = async (): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${intake.port}/metrics`)).text();
    return counterValue(text, 'webhook_intake_email_events_produced_total', { portal_id: String(portalId) });
  };

  /** Waits until webhook-intake decided `paused` for the portal at least `count` more times than `from`. */
  const pausedDecisions = async (from: number, count: number, message: string): Promise<number> => {
    let now = from;
    await waitFor(
      async () => {
        now = await polls('paused');
        return now >= from + count;
      },
      60_000,
      message,
    );
    return now;
  };

  const appsOutput = () => apps.map((a) => `--- ${a.name}\n${a.output().slice(-4000)}`).join('\n');

  beforeAll(async () => {
    hubspot.addAccessToken(privateAppToken, portalId);
    const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([
      hubspot.start(),
      heap.start(),
    ]);
    const stack = stackEndpoints();
    const common = {
      KAFKA_BROKERS: stack.kafkaBrokers,
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      DATABASE_URL: stack.databaseUrl,
      RETRY_PROFILE: 'test',
    };
    platform = testPlatform('e2e-control-plane');
    const [statusGroup, emailGroup, webhookGroup, identitiesGroup, writerGroup] = await Promise.all([
      groupAtEnd('e2e-cp-status', 'integration.status.v1'),
      groupAtEnd('e2e-cp-identity', 'hubspot.email-events.v1'),
      groupAtEnd('e2e-cp-identity-webhooks', 'hubspot.webhook-events.v1'),
      groupAtEnd('e2e-cp-identity-users', 'heap.user-identities.v1'),
      groupAtEnd('e2e-cp-writer', 'heap.track-events.v1'),
    ]);

    const controlApiPort = await freePort();
    controlApi = await startApp('control-api', controlApiPort, {
      ...common,
      CONTROL_API_BOOTSTRAP_KEY: bootstrapKey,
      INTERNAL_API_KEY: internalKey,
      SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CONSUMER_GROUP: statusGroup,
      HUBSPOT_API_BASE: hubspotUrl,
      HUBSPOT_APP_BASE: hubspotUrl,
      PUBLIC_URL: `http://127.0.0.1:${controlApiPort}`,
    });
    apps.push(controlApi);
    const [intakeApp, identityApp, writerApp] = await Promise.all([
      freePort().then((port) =>
        startApp('webhook-intake', port, {
          ...common,
          SETTINGS_SOURCE: 'topic',
          HUBSPOT_TOKEN_SOURCE: 'control-api',
          CONTROL_API_URL: `http://127.0.0.1:${controlApiPort}`,
          INTERNAL_API_KEY: internalKey,
          HUBSPOT_BASE_URL: hubspotUrl,
          HUBSPOT_RATE_WINDOW_MS: '1000',
          POLL_INITIAL_START: '0', // the fixtures span 2014–2023
          POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
        }),
      ),
      freePort().then((port) =>
        startApp('identity-resolution', port, {
          ...common,
          CONSUMER_GROUP: emailGroup,
          WEBHOOK_EVENTS_CONSUMER_GROUP: webhookGroup,
          USER_IDENTITIES_CONSUMER_GROUP: identitiesGroup,
          HUBSPOT_BASE_URL: hubspotUrl,
          TENANTS: JSON.stringify([{ portalId, heapAppId, emailProperty: 'identity' }]),
        }),
      ),
      freePort().then((port) =>
        startApp('heap-writer', port, { ...common, CONSUMER_GROUP: writerGroup, HEAP_BASE_URL: heapUrl }),
      ),
    ]);
    intake = intakeApp;
    apps.push(intakeApp, identityApp, writerApp);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all([hubspot.stop(), heap.stop()]);
    await platform?.close();
  });

  const firstBatch = expectedHeapEvents(portalId, fixtures);
  const pausedRaw: Record<string, unknown>[] = [];

  it('a tenant set up through the API waits for data, then turns "Connected" once its events reach Heap', async () => {
    const created = await api('POST', '/api/tenants', { portalId, heapAppId, name: 'e2e control plane' });
    expect(created.status).toBe(201);
    tenantId = String(created.body['id']);
    expect(
      (await api('PUT', `/api/tenants/${tenantId}/hubspot/private-app-token`, { token: privateAppToken }))
        .status,
    ).toBe(200);
    expect(
      (await api('PATCH', `/api/tenants/${tenantId}/settings`, { emailProperty: 'identity' })).status,
    ).toBe(200);
    expect(await sourceStatus()).toBe('Waiting for data');
    // The token webhook-intake asks for is the private-app token, behind INTERNAL_API_KEY only.
    expect((await api('GET', `/internal/portals/${portalId}/hubspot-token`, undefined, 'wrong')).status).toBe(
      401,
    );
    expect(
      (await api('GET', `/internal/portals/${portalId}/hubspot-token`, undefined, internalKey)).body,
    ).toEqual({
      accessToken: privateAppToken,
      expiresAt: null,
    });

    expect(firstBatch.length).toBe(41); // 52 fixtures − 11 bot-filtered opens
    hubspot.seedEmailEvents(portalId, fixtures);
    await waitFor(
      () => receivedHeapEvents(heap, heapAppId).length >= firstBatch.length,
      DELIVERY_TIMEOUT_MS,
      `first batch in Heap (${receivedHeapEvents(heap, heapAppId).length}/${firstBatch.length})`,
    );
    expect(receivedHeapEvents(heap, heapAppId)).toEqual(firstBatch);
    await eventually(async () => (await sourceStatus()) === 'Connected', {
      timeoutMs: 90_000,
      message: 'source "Connected" after heap-writer reported',
    });
  });

  it('source off: new events stay in HubSpot while the portal is paused; on again: each reaches Heap exactly once', async () => {
    expect((await api('PATCH', `/api/tenants/${tenantId}/settings`, { sourceEnabled: false })).status).toBe(
      200,
    );
    // Any `paused` decision after the PATCH means webhook-intake has the new settings (it polled before).
    const paused = await pausedDecisions(await polls('paused'), 1, 'webhook-intake pauses the portal');
    expect(await sourceStatus()).toBe('Paused');
    const polledBefore = await polls('polled');
    const producedBefore = await producedByIntake();

    pausedRaw.push(...freshEmailEvents(fixtures.slice(0, 20), portalId, Date.now() - 120_000));
    hubspot.seedEmailEvents(portalId, pausedRaw);
    // Two more poll intervals' worth of `paused` decisions after the events exist in HubSpot.
    await pausedDecisions(paused, 2, 'two paused poll decisions after seeding');
    expect(await polls('polled')).toBe(polledBefore);
    expect(await producedByIntake()).toBe(producedBefore);
    expect(receivedHeapEvents(heap, heapAppId)).toEqual(firstBatch);

    expect((await api('PATCH', `/api/tenants/${tenantId}/settings`, { sourceEnabled: true })).status).toBe(
      200,
    );
    const all = expectedHeapEvents(portalId, [...fixtures, ...pausedRaw]);
    expect(all.length).toBeGreaterThan(firstBatch.length);
    await waitFor(
      () => receivedHeapEvents(heap, heapAppId).length >= all.length,
      DELIVERY_TIMEOUT_MS,
      `paused events in Heap after resume (${receivedHeapEvents(heap, heapAppId).length}/${all.length})`,
    );
    expect(receivedHeapEvents(heap, heapAppId)).toEqual(all);
    // Exactly once: no event was sent to Heap twice (the fake would have rejected the repeat by key).
    expect(heap.duplicatesRejected).toBe(0);
    expect(await sourceStatus()).toBe('Connected');
  });

  it('disconnect: secrets deleted, the internal token answers 404, and later events never reach Heap', async () => {
    const delivered = receivedHeapEvents(heap, heapAppId);
    const pausedBefore = await polls('paused');
    const res = await api('POST', `/api/tenants/${tenantId}/disconnect`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'disconnected',
      deleted: expect.arrayContaining(['hubspot_private_app_token']),
      kept: expect.arrayContaining([
        expect.stringContaining('identity map'),
        expect.stringContaining('Heap'),
      ]),
    });
    expect(
      (await api('GET', `/internal/portals/${portalId}/hubspot-token`, undefined, internalKey)).status,
    ).toBe(404);
    expect((await api('GET', `/api/tenants/${tenantId}`)).body).toMatchObject({
      state: 'disconnected',
      status: { source: 'Disconnected' },
    });

    const paused = await pausedDecisions(pausedBefore, 1, 'webhook-intake pauses the disconnected portal');
    const polledBefore = await polls('polled');
    const producedBefore = await producedByIntake();
    hubspot.seedEmailEvents(portalId, freshEmailEvents(fixtures.slice(0, 20), portalId, Date.now() - 60_000));
    const pausedAfter = await pausedDecisions(paused, 2, 'two paused poll decisions after the disconnect');
    expect(pausedAfter).toBeGreaterThanOrEqual(pausedBefore + 3);
    expect(await polls('polled')).toBe(polledBefore);
    expect(await producedByIntake()).toBe(producedBefore);
    expect(receivedHeapEvents(heap, heapAppId)).toEqual(delivered);
  });
});

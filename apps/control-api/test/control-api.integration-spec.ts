import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaPlatform } from '@hubheap/kafka';
import {
  INTEGRATION_SETTINGS,
  INTEGRATION_STATUS,
  deadLetterTopic,
  type IntegrationSettings,
  type TopicContract,
  TOPICS,
} from '@hubheap/schemas';
import {
  type Collector,
  collect,
  eventually,
  HubSpotFake,
  positionGroup,
  produce,
  testPlatform,
  topicEnds,
  uniqueName,
  type Offsets,
} from '@hubheap/testing';
import { DataSource } from 'typeorm';
import { SettingsPublisher } from '../src/settings/settings.publisher';
import { type ControlApiApp, randomAppId, randomPortalId, startControlApi } from './control-api.harness';

const BOOTSTRAP = `boot-${randomBytes(12).toString('hex')}`;
const INTERNAL = `internal-${randomBytes(12).toString('hex')}`;
const CLIENT_SECRET = `client-secret-${randomBytes(8).toString('hex')}`;
const PRIVATE_APP_TOKEN = `pat-na1-${randomBytes(16).toString('hex')}`;
const HEAP_API_KEY = `heap-key-${randomBytes(16).toString('hex')}`;
const HEAP_SEGMENTS_SECRET = `heap-whsec-${randomBytes(16).toString('hex')}`;

describe('control-api (real Kafka, registry, Postgres; HubSpot fake with OAuth)', () => {
  let clock = Date.now();
  const hubspot = new HubSpotFake({ now: () => clock });
  let platform: KafkaPlatform;
  let api: ControlApiApp;
  let startOffsets: Record<string, Offsets>;
  let settingsTopic: Collector<IntegrationSettings>;
  /** Every OAuth token the fake issued in this run (checked against logs and topics). */
  const issuedTokens = new Set<string>();
  /** Tenants this run created: the schema is shared with other runs (their secrets use other keys). */
  const createdTenantIds: string[] = [];

  const call = async (method: string, path: string, body?: unknown, key = BOOTSTRAP) => {
    const res = await api.call(method, path, key, body);
    if (method === 'POST' && path === '/api/tenants' && res.status === 201)
      createdTenantIds.push(res.body.id);
    return res;
  };
  const createTenant = async (portalId = randomPortalId(), heapAppId = randomAppId()) => {
    const res = await call('POST', '/api/tenants', { portalId, heapAppId, name: uniqueName('tenant') });
    expect(res.status).toBe(201);
    return res.body as { id: string; portalId: number; heapAppId: string };
  };
  const records = (portalId: number) =>
    settingsTopic.records.filter((r) => r.value.portalId === portalId).map((r) => r.value);
  const internalToken = (portalId: number) =>
    api.call('GET', `/internal/portals/${portalId}/hubspot-token`, INTERNAL);
  const remember = (token: unknown) => {
    if (typeof token === 'string') issuedTokens.add(token);
  };

  /** Starts an install for `tenantId`, follows the fake's consent redirect to our callback. */
  const install = async (tenantId: string, rewrite = (url: string) => url) => {
    const start = await call('POST', `/api/tenants/${tenantId}/hubspot/oauth/start`);
    expect(start.status).toBe(200);
    const consent = await fetch(rewrite(start.body.authorizeUrl as string), { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get('location') ?? '');
    return api.call('GET', `${callback.pathname}${callback.search}`);
  };

  beforeAll(async () => {
    await hubspot.start();
    hubspot.oauth.configure({
      clientId: 'control-api-it',
      clientSecret: CLIENT_SECRET,
      accessTokenTtlSeconds: 1800,
    });
    platform = testPlatform('control-api-it');
    const names = [...TOPICS.map((t) => t.name), deadLetterTopic(INTEGRATION_STATUS.name)];
    startOffsets = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, await topicEnds(platform, name)] as const)),
    );
    settingsTopic = await collect(
      platform,
      INTEGRATION_SETTINGS,
      uniqueName('control-api-it-settings'),
      startOffsets[INTEGRATION_SETTINGS.name] ?? {},
      () => true,
    );
    const consumerGroup = uniqueName('control-api-it-status');
    await positionGroup(
      platform,
      consumerGroup,
      INTEGRATION_STATUS.name,
      startOffsets[INTEGRATION_STATUS.name] ?? {},
    );
    const adminDir = mkdtempSync(join(tmpdir(), 'control-api-admin-'));
    writeFileSync(join(adminDir, 'index.html'), '<!doctype html><title>admin</title>');
    writeFileSync(join(adminDir, 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'control-api-outside.txt'), 'outside');
    api = await startControlApi(
      {
        bootstrapKey: BOOTSTRAP,
        internalApiKey: INTERNAL,
        secretKeys: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
        consumerGroup,
        hubspotApiBase: hubspot.baseUrl,
        hubspotAppBase: hubspot.baseUrl,
        hubspotClientId: 'control-api-it',
        hubspotClientSecret: CLIENT_SECRET,
        publicUrl: 'http://localhost:3006',
        segmentExportUrl: 'http://127.0.0.1:1',
        segmentExportTimeoutMs: 300,
      },
      adminDir,
    );
  }, 120_000);

  afterAll(async () => {
    // The database and topics are the local stack's, shared with `npm start`: leave no tenant active
    // (an active one would be polled there, with no token for it).
    for (const id of createdTenantIds)
      await api?.call('POST', `/api/tenants/${id}/disconnect`, BOOTSTRAP).catch(() => undefined);
    await settingsTopic?.stop();
    await api?.close();
    await platform?.close();
    await hubspot.stop();
  });

  it('refuses calls without a key or with a bad key (401) and serves health and the OpenAPI document', async () => {
    expect((await api.call('GET', '/api/tenants')).status).toBe(401);
    expect((await api.call('GET', '/api/tenants', 'nope')).status).toBe(401);
    expect((await api.call('GET', '/internal/portals/1/hubspot-token', BOOTSTRAP)).status).toBe(401);
    expect((await api.call('GET', '/health')).body).toEqual({ status: 'ok' });
    const badJson = await fetch(
      `${api.baseUrl}/api/tenants/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/hubspot/private-app-token`,
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${BOOTSTRAP}`, 'Content-Type': 'application/json' },
        body: PRIVATE_APP_TOKEN,
      },
    );
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: 'request body is not valid JSON' });
    const docs = await api.call('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/api/tenants',
        '/api/tenants/{id}/settings',
        '/internal/portals/{portalId}/hubspot-token',
      ]),
    );
  });

  it('serves the admin page: /admin → index.html, /admin/<file>, nothing outside its folder', async () => {
    const index = await api.call('GET', '/admin');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(String(index.body)).toContain('<title>admin</title>');
    const js = await api.call('GET', '/admin/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await api.call('GET', '/admin/missing.css')).status).toBe(404);
    expect((await api.call('GET', '/admin/..%2Fcontrol-api-outside.txt')).status).toBe(404);
  });

  it('OAuth install: state checked, code exchanged, hub_id checked, tokens refreshed before expiry (once under concurrency)', async () => {
    const tenant = await createTenant();
    const done = await install(tenant.id);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(`/admin#tenant=${tenant.id}`);
    const view = (await call('GET', `/api/tenants/${tenant.id}`)).body;
    expect(view.hubspot).toMatchObject({
      authorized: true,
      method: 'oauth',
      scopes: expect.arrayContaining(['crm.lists.write', 'content']),
    });
    expect(Date.parse(view.hubspot.expiresAt as string) - Date.now()).toBeGreaterThan(1_700_000);

    // A fresh token is handed out as stored (no refresh).
    const first = await internalToken(tenant.portalId);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    remember(first.body.accessToken);
    const grants = () => hubspot.requests().filter((r) => r.path === '/oauth/v1/token').length;
    const grantsAfterInstall = grants();
    expect((await internalToken(tenant.portalId)).body.accessToken).toBe(first.body.accessToken);
    expect(grants()).toBe(grantsAfterInstall);

    // The token nears expiry (and has expired at HubSpot): five concurrent callers get one refresh.
    const db = api.app.get(DataSource);
    await db.query(
      `UPDATE control_api.tenant SET hubspot_expires_at = now() + interval '60 seconds' WHERE id = $1`,
      [tenant.id],
    );
    clock += 1_800_000;
    const refreshed = await Promise.all(Array.from({ length: 5 }, () => internalToken(tenant.portalId)));
    for (const r of refreshed) remember(r.body.accessToken);
    expect(new Set(refreshed.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(refreshed.map((r) => r.body.accessToken)).size).toBe(1);
    expect(refreshed[0]?.body.accessToken).not.toBe(first.body.accessToken);
    expect(grants()).toBe(grantsAfterInstall + 1);
    const useToken = (token: string) =>
      fetch(`${hubspot.baseUrl}/crm/v3/objects/contacts`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await useToken(refreshed[0]?.body.accessToken as string)).status).toBe(200);
    expect((await useToken(first.body.accessToken as string)).status).toBe(401);
  });

  it('a refresh HubSpot refuses (refresh token deleted) answers 502 and leaves the tenant needing a reinstall', async () => {
    const tenant = await createTenant();
    expect((await install(tenant.id)).status).toBe(302);
    const [refreshToken] = hubspot.oauth.liveRefreshTokens().slice(-1);
    expect(
      (await fetch(`${hubspot.baseUrl}/oauth/v1/refresh-tokens/${refreshToken}`, { method: 'DELETE' }))
        .status,
    ).toBe(204);
    await api.app
      .get(DataSource)
      .query(`UPDATE control_api.tenant SET hubspot_expires_at = now() WHERE id = $1`, [tenant.id]);
    const refused = await internalToken(tenant.portalId);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toContain('BAD_REFRESH_TOKEN');
    const view = (await call('GET', `/api/tenants/${tenant.id}`)).body;
    expect(view.hubspot).toMatchObject({ authorized: false, method: null });
    expect(view.status.source).toBe('Not set up');
    expect((await internalToken(tenant.portalId)).status).toBe(404);
  });

  it('callback: unknown, reused or expired state and another HubSpot account get a clear 400 page', async () => {
    const bogus = await api.call('GET', '/oauth/hubspot/callback?code=abc&state=bogus');
    expect(bogus.status).toBe(400);
    expect(String(bogus.body)).toContain('unknown, already used or expired');

    const tenant = await createTenant();
    const start = await call('POST', `/api/tenants/${tenant.id}/hubspot/oauth/start`);
    const consent = await fetch(start.body.authorizeUrl as string, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location') ?? '');
    expect((await api.call('GET', `${callback.pathname}${callback.search}`)).status).toBe(302);
    expect((await api.call('GET', `${callback.pathname}${callback.search}`)).status).toBe(400);

    const other = await createTenant();
    const otherPortal = randomPortalId();
    const wrong = await install(other.id, (url) =>
      url.replace(`/oauth/${other.portalId}/authorize`, `/oauth/${otherPortal}/authorize`),
    );
    expect(wrong.status).toBe(400);
    expect(String(wrong.body)).toContain(`account ${otherPortal}`);
    expect((await call('GET', `/api/tenants/${other.id}`)).body.hubspot.authorized).toBe(false);
  });

  it('settings changes are persisted, then published whole (versioned, no secret); a 31st recurring segment is refused', async () => {
    const tenant = await createTenant();
    const patched = await call('PATCH', `/api/tenants/${tenant.id}/settings`, {
      emailProperty: 'work_email',
      sourceEnabled: true,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.settings.emailProperty).toBe('work_email');
    for (let i = 0; i < 30; i += 1) {
      expect(
        (
          await call('PUT', `/api/tenants/${tenant.id}/segments/seg${i}`, {
            mode: 'recurring',
            name: `S${i}`,
          })
        ).status,
      ).toBe(200);
    }
    const refused = await call('PUT', `/api/tenants/${tenant.id}/segments/seg30`, { mode: 'recurring' });
    expect(refused.status).toBe(409);
    expect((await call('PUT', `/api/tenants/${tenant.id}/segments/seg30`, { mode: 'one-time' })).status).toBe(
      200,
    );
    expect((await call('PATCH', `/api/tenants/${tenant.id}/settings`, { emailProperty: '' })).status).toBe(
      400,
    );

    const final = (await call('GET', `/api/tenants/${tenant.id}`)).body;
    expect(final.version).toBe(33);
    await eventually(() => records(tenant.portalId).some((r) => r.version === 33), {
      timeoutMs: 20_000,
      message: 'settings record v33 on integration.settings.v1',
    });
    const last = records(tenant.portalId).at(-1) as IntegrationSettings;
    expect(last).toMatchObject({
      tenantId: tenant.id,
      heapAppId: tenant.heapAppId,
      state: 'active',
      emailProperty: 'work_email',
      version: 33,
    });
    expect(last.segments).toHaveLength(31);
    expect(last.segments.filter((s) => s.mode === 'recurring')).toHaveLength(30);
    expect(records(tenant.portalId).map((r) => r.version)).toEqual(
      [...records(tenant.portalId).map((r) => r.version)].sort((a, b) => a - b),
    );
  });

  it("a publish waits for another replica holding the tenant's publish lock, then sends the row as it is then", async () => {
    const tenant = await createTenant();
    await eventually(() => records(tenant.portalId).length === 1, {
      timeoutMs: 20_000,
      message: 'v1 published',
    });
    const publisher = api.app.get(SettingsPublisher);
    const db = api.app.get(DataSource);
    // Another replica in the middle of its publish: it holds the lock on a connection of its own.
    const otherReplica = db.createQueryRunner();
    await otherReplica.connect();
    await otherReplica.startTransaction();
    await otherReplica.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `control-api.settings-publish:${tenant.portalId}`,
    ]);
    const waiting = publisher.publish(tenant.id);
    try {
      // The publish queues behind the other replica's lock before it reads the row…
      await eventually(
        async () =>
          (
            (await db.query(
              `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
            )) as Array<{ n: number }>
          )[0]!.n > 0,
        { timeoutMs: 10_000, message: 'the publish waiting for the publish lock' },
      );
      // …so a change committed meanwhile is what it sends (without the lock it would send v1 again).
      await db.query(
        `UPDATE control_api.tenant SET email_property = 'late_change', settings_version = settings_version + 1 WHERE id = $1`,
        [tenant.id],
      );
    } finally {
      await otherReplica.commitTransaction();
      await otherReplica.release();
    }
    await waiting;
    await eventually(() => records(tenant.portalId).length === 2, {
      timeoutMs: 20_000,
      message: 'v2 published',
    });
    expect(records(tenant.portalId).map((r) => [r.version, r.emailProperty])).toEqual([
      [1, 'identity'],
      [2, 'late_change'],
    ]);
  });

  it("a late publish of a portal's disconnected tenant sends the tenant that paired the portal again", async () => {
    const first = await createTenant();
    expect((await call('POST', `/api/tenants/${first.id}/disconnect`)).status).toBe(200);
    const second = await createTenant(first.portalId, randomAppId());
    await api.app.get(SettingsPublisher).publish(first.id); // e.g. a retried publish of the disconnect
    // created, disconnected, the second created, the late publish
    await eventually(() => records(first.portalId).length >= 4, {
      timeoutMs: 20_000,
      message: 'four settings records of the portal',
    });
    const last = records(first.portalId).at(-1)!;
    expect(last).toMatchObject({ tenantId: second.id, state: 'active' });
    expect(
      records(first.portalId).filter((r) => r.tenantId === first.id && r.state === 'disconnected'),
    ).toHaveLength(1);
  });

  it('status: "Not set up" → "Waiting for data" → "Connected" on the first integration.status.v1 report of its portal + app_id', async () => {
    const tenant = await createTenant();
    const source = async () => (await call('GET', `/api/tenants/${tenant.id}`)).body.status;
    expect((await source()).source).toBe('Not set up');
    expect(
      (await call('PUT', `/api/tenants/${tenant.id}/hubspot/private-app-token`, { token: PRIVATE_APP_TOKEN }))
        .status,
    ).toBe(200);
    expect(
      (await call('PATCH', `/api/tenants/${tenant.id}/settings`, { emailProperty: 'identity' })).status,
    ).toBe(200);
    expect(await source()).toEqual({
      source: 'Waiting for data',
      firstEventAt: null,
      lastEventAt: null,
      eventsWritten: 0,
    });

    // A report of the same portal but another app_id is not this tenant's.
    const at = Date.now();
    const report = (appId: string, n: number) => ({
      portalId: tenant.portalId,
      appId,
      eventsWritten: n,
      firstWrittenAt: at,
      lastWrittenAt: at + 5,
      reporter: 'it:1',
    });
    await produce(platform, INTEGRATION_STATUS, [
      report(randomAppId(), 7),
      { ...report(tenant.heapAppId, 9), eventsWritten: -1 },
    ]);
    await produce(platform, INTEGRATION_STATUS, [report(tenant.heapAppId, 3), report(tenant.heapAppId, 2)]);
    await eventually(async () => (await source()).source === 'Connected', {
      timeoutMs: 30_000,
      message: 'source Connected',
    });
    expect(await source()).toEqual({
      source: 'Connected',
      firstEventAt: new Date(at).toISOString(),
      lastEventAt: new Date(at + 5).toISOString(),
      eventsWritten: 5,
    });
    // The impossible report (eventsWritten -1) went to the dead-letter topic, not into the counts.
    const dlqName = deadLetterTopic(INTEGRATION_STATUS.name);
    const dlq = await collect(
      platform,
      { ...INTEGRATION_STATUS, name: dlqName },
      uniqueName('control-api-it-dlq'),
      startOffsets[dlqName] ?? {},
      (r) => r.value.portalId === tenant.portalId,
    );
    await eventually(() => dlq.records.length === 1, {
      timeoutMs: 30_000,
      message: 'bad status report on the dlq',
    });
    await dlq.stop();
    expect(dlq.records[0]?.headers['x-dlq-reason']).toContain('eventsWritten');
    expect(
      (await call('PATCH', `/api/tenants/${tenant.id}/settings`, { sourceEnabled: false })).body.status
        .source,
    ).toBe('Paused');
    const token = await internalToken(tenant.portalId);
    expect(token.body).toEqual({ accessToken: PRIVATE_APP_TOKEN, expiresAt: null });
  });

  it('a read-only key cannot change settings; no key reaches another tenant; scoped keys cannot create tenants or keys', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const reader = await call('POST', '/api/keys', {
      role: 'read-only',
      tenants: [a.id],
      label: 'it reader',
    });
    expect(reader.status).toBe(201);
    expect(reader.body).toMatchObject({ role: 'read-only', tenants: [a.id] });
    const readerKey = reader.body.key as string;
    const scopedAdmin = (await call('POST', '/api/keys', { role: 'admin', tenants: [a.id] })).body
      .key as string;

    expect((await call('GET', `/api/tenants/${a.id}`, undefined, readerKey)).status).toBe(200);
    expect(
      (await call('GET', '/api/tenants', undefined, readerKey)).body.map((t: { id: string }) => t.id),
    ).toEqual([a.id]);
    expect(
      (await call('PATCH', `/api/tenants/${a.id}/settings`, { sourceEnabled: false }, readerKey)).status,
    ).toBe(403);
    expect(
      (await call('PUT', `/api/tenants/${a.id}/segments/s1`, { mode: 'one-time' }, readerKey)).status,
    ).toBe(403);
    expect((await call('POST', `/api/tenants/${a.id}/disconnect`, undefined, readerKey)).status).toBe(403);
    expect((await call('GET', `/api/tenants/${b.id}`, undefined, readerKey)).status).toBe(404);
    // Who may call decides before what is sent: a bad body is 403/404 for a key that may not write, 400 only for one that may.
    const badSettings = { sourceEnabled: 'yes', unknown: 1 };
    expect((await call('PATCH', `/api/tenants/${a.id}/settings`, badSettings, readerKey)).status).toBe(403);
    expect((await call('PATCH', `/api/tenants/${b.id}/settings`, badSettings, readerKey)).status).toBe(404);
    expect((await call('PATCH', `/api/tenants/${b.id}/settings`, badSettings, scopedAdmin)).status).toBe(404);
    expect((await call('PATCH', `/api/tenants/${a.id}/settings`, badSettings, scopedAdmin)).status).toBe(400);
    expect((await call('POST', '/api/tenants', { portalId: 'x' }, readerKey)).status).toBe(403);
    expect((await call('POST', '/api/keys', { role: 'owner' }, scopedAdmin)).status).toBe(403);
    expect((await call('POST', '/api/keys', { role: 'owner' })).status).toBe(400);

    expect(
      (await call('PATCH', `/api/tenants/${a.id}/settings`, { sourceEnabled: false }, scopedAdmin)).status,
    ).toBe(200);
    expect(
      (await call('PATCH', `/api/tenants/${b.id}/settings`, { sourceEnabled: false }, scopedAdmin)).status,
    ).toBe(404);
    expect((await call('PUT', `/api/tenants/${b.id}/heap`, { apiKey: 'x' }, scopedAdmin)).status).toBe(404);
    expect((await call('POST', `/api/tenants/${b.id}/disconnect`, undefined, scopedAdmin)).status).toBe(404);
    expect(
      (
        await call(
          'POST',
          '/api/tenants',
          { portalId: randomPortalId(), heapAppId: randomAppId() },
          scopedAdmin,
        )
      ).status,
    ).toBe(403);
    expect((await call('POST', '/api/keys', { role: 'admin', tenants: ['*'] }, scopedAdmin)).status).toBe(
      403,
    );
    expect((await call('GET', `/api/tenants/${b.id}`)).body.settings.sourceEnabled).toBe(true);

    // Keys are listed without secrets and revoked at once.
    const listed = (await call('GET', '/api/keys')).body as Array<Record<string, unknown>>;
    expect(listed.find((k) => k['id'] === reader.body.id)).toEqual({
      id: reader.body.id,
      role: 'read-only',
      tenants: [a.id],
      label: 'it reader',
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(listed)).not.toContain(readerKey);
    expect((await call('GET', '/api/keys', undefined, readerKey)).status).toBe(403);
    expect((await call('DELETE', `/api/keys/${reader.body.id}`)).status).toBe(204);
    expect((await call('GET', `/api/tenants/${a.id}`, undefined, readerKey)).status).toBe(401);
    expect((await call('DELETE', `/api/keys/${reader.body.id}`)).status).toBe(404);

    expect(
      (await call('POST', '/api/tenants', { portalId: a.portalId, heapAppId: randomAppId() })).status,
    ).toBe(409);
    expect(
      (await call('POST', '/api/tenants', { portalId: randomPortalId(), heapAppId: a.heapAppId })).status,
    ).toBe(409);
  });

  it('disconnect deletes and revokes tokens, publishes state disconnected and says what is kept', async () => {
    const tenant = await createTenant();
    expect((await install(tenant.id)).status).toBe(302);
    remember((await internalToken(tenant.portalId)).body.accessToken);
    expect(
      (
        await call('PUT', `/api/tenants/${tenant.id}/heap`, {
          apiKey: HEAP_API_KEY,
          segmentsWebhookSecret: HEAP_SEGMENTS_SECRET,
        })
      ).body.heap,
    ).toEqual({
      apiKeySet: true,
      segmentsWebhookSecretSet: true,
    });
    expect(
      (await api.call('GET', `/internal/apps/${tenant.heapAppId}/heap-credentials`, INTERNAL)).body,
    ).toEqual({ apiKey: HEAP_API_KEY });
    expect(
      (await api.call('GET', `/internal/portals/${tenant.portalId}/heap-segments-secret`, INTERNAL)).body,
    ).toEqual({ secret: HEAP_SEGMENTS_SECRET });
    const liveBefore = hubspot.oauth.liveRefreshTokens().length;

    const res = await call('POST', `/api/tenants/${tenant.id}/disconnect`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'disconnected',
      deleted: ['heap_api_key', 'heap_segments_secret', 'hubspot_access_token', 'hubspot_refresh_token'],
      hubspotRefreshTokenRevoked: true,
      kept: expect.arrayContaining([expect.stringContaining('identity map')]),
    });
    expect(hubspot.oauth.liveRefreshTokens()).toHaveLength(liveBefore - 1);
    const rows = await api.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM control_api.secret WHERE tenant_id = $1`, [tenant.id]);
    expect(rows).toEqual([{ n: 0 }]);
    await eventually(() => records(tenant.portalId).some((r) => r.state === 'disconnected'), {
      timeoutMs: 20_000,
      message: 'state disconnected on integration.settings.v1',
    });
    expect(records(tenant.portalId).at(-1)).toMatchObject({ state: 'disconnected', sourceEnabled: false });
    expect((await internalToken(tenant.portalId)).status).toBe(404);
    expect(
      (await api.call('GET', `/internal/apps/${tenant.heapAppId}/heap-credentials`, INTERNAL)).status,
    ).toBe(404);
    expect((await call('GET', `/api/tenants/${tenant.id}`)).body).toMatchObject({
      state: 'disconnected',
      status: { source: 'Disconnected' },
      hubspot: { authorized: false },
    });
    expect((await call('PATCH', `/api/tenants/${tenant.id}/settings`, { sourceEnabled: true })).status).toBe(
      409,
    );
    // The portal and app_id are free again.
    expect(
      (await call('POST', '/api/tenants', { portalId: tenant.portalId, heapAppId: tenant.heapAppId })).status,
    ).toBe(201);
  });

  it('secrets are re-encrypted by rotate; no secret appears in logs or on any catalogue topic', async () => {
    const rotated = await call('POST', '/api/secrets/rotate');
    expect(rotated.status).toBe(200);
    expect(typeof rotated.body.reencrypted).toBe('number');
    // Rows of other runs (other SECRET_KEYS) are reported, never this run's.
    const unreadable = rotated.body.unreadable as Array<{ tenantId: string }>;
    expect(unreadable.filter((u) => createdTenantIds.includes(u.tenantId))).toEqual([]);
    const stored = await api.app
      .get(DataSource)
      .query(`SELECT DISTINCT key_id FROM control_api.secret WHERE tenant_id = ANY($1::uuid[])`, [
        createdTenantIds,
      ]);
    expect(stored).toEqual([{ key_id: 'k2' }]);

    const secrets = [
      PRIVATE_APP_TOKEN,
      HEAP_API_KEY,
      HEAP_SEGMENTS_SECRET,
      CLIENT_SECRET,
      BOOTSTRAP,
      INTERNAL,
      ...issuedTokens,
    ];
    expect(issuedTokens.size).toBeGreaterThanOrEqual(3);
    const logs = api.logger.lines.join('\n');
    expect(api.logger.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);

    // Every catalogue topic from where this run began, read in parallel to its current end.
    const seen = (
      await Promise.all(
        TOPICS.map(async (topic) => {
          const from = startOffsets[topic.name] ?? {};
          const ends = await topicEnds(platform, topic.name);
          const total = Object.entries(ends).reduce(
            (n, [p, end]) => n + Number(BigInt(end) - BigInt(from[Number(p)] ?? '0')),
            0,
          );
          const reader = await collect(
            platform,
            topic as TopicContract<unknown>,
            uniqueName('control-api-it-scan'),
            from,
            () => true,
          );
          await eventually(() => reader.records.length >= total, {
            timeoutMs: 60_000,
            message: `read ${topic.name}`,
          });
          await reader.stop();
          return reader.records.map((r) => JSON.stringify(r));
        }),
      )
    ).flat();
    expect(seen.some((s) => s.includes('"tenantId"'))).toBe(true);
    const everything = seen.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

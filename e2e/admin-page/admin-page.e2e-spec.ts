import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_SETTINGS, INTEGRATION_STATUS, type IntegrationSettings } from '@hubheap/schemas';
import {
  type AppProcess,
  collect,
  eventually,
  freePort,
  HubSpotFake,
  launchChromium,
  produce,
  stackEndpoints,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';

// The admin page of control-api, driven in headless Chromium (Debian's, through playwright-core):
// an admin goes from an empty tenant list to a connected tenant with the HubSpot fake's OAuth install,
// then toggles the source, adds a segment sync and disconnects. control-api runs as its own process;
// heap-writer's "first event written" report is produced straight to integration.status.v1.
const BOOTSTRAP_KEY = `admin-${randomBytes(12).toString('hex')}`;
const INTERNAL_KEY = `internal-${randomBytes(12).toString('hex')}`;
const CLIENT_ID = 'hubheap-e2e-client';
const CLIENT_SECRET = randomBytes(16).toString('hex');
const SECRET_KEY = `k1:${randomBytes(32).toString('base64')}`;
const WAIT = { timeoutMs: 30_000, intervalMs: 200 };

describe('control-api admin page (headless Chromium)', () => {
  const hubspot = new HubSpotFake();
  const platform: KafkaPlatform = testPlatform('e2e-admin-page');
  const portalId = randomInt(100_000_000, 999_999_999);
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const stops: Array<() => Promise<unknown>> = [];
  let controlApi: AppProcess;
  let baseUrl = '';
  let browser: Browser;
  let page: Page;
  let settings: Array<{ value: IntegrationSettings }>;

  /** The admin API, for what the page itself does not do (creating a read-only key). */
  const api = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const sourceStatus = () => page.locator('#source-status');
  const signIn = async (target: Page, key: string) => {
    await target.goto(`${baseUrl}/admin`);
    await target.fill('#api-key', key);
    await target.click('#login button[type=submit]');
    await target.locator('#tenants').waitFor();
  };

  beforeAll(async () => {
    const { baseUrl: hubspotUrl } = await hubspot.start();
    hubspot.oauth.configure({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = stackEndpoints();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const collector = await collect<IntegrationSettings>(
      platform,
      INTEGRATION_SETTINGS,
      uniqueName('e2e-admin-settings'),
      await topicEnds(platform, INTEGRATION_SETTINGS.name),
      (r) => r.value.portalId === portalId,
    );
    stops.push(collector.stop);
    settings = collector.records;
    controlApi = await startApp('control-api', port, {
      KAFKA_BROKERS: kafkaBrokers,
      SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: baseUrl,
      CONTROL_API_BOOTSTRAP_KEY: BOOTSTRAP_KEY,
      INTERNAL_API_KEY: INTERNAL_KEY,
      SECRET_KEYS: SECRET_KEY,
      HUBSPOT_API_BASE: hubspotUrl,
      HUBSPOT_APP_BASE: hubspotUrl,
      HUBSPOT_CLIENT_ID: CLIENT_ID,
      HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
      CONSUMER_GROUP: uniqueName('e2e-control-api-status'),
      SEGMENT_EXPORT_URL: 'http://127.0.0.1:9', // nothing listens: last runs show as "never"
    });
    stops.push(() => controlApi.stop());
    browser = await launchChromium();
    stops.push(() => browser.close());
    page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await hubspot.stop();
    await platform.close();
  });

  it('refuses a wrong API key with the API message', async () => {
    await signIn(page, 'not-a-key');
    await eventually(async () => /^401 /.test((await page.textContent('#message')) ?? ''), {
      ...WAIT,
      message: 'a 401 shown on the page',
    });
  });

  it('takes an admin from a new tenant through OAuth and the email property to "Connected"', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await signIn(page, BOOTSTRAP_KEY);

    await page.fill('#create-tenant [name=name]', 'Acme e2e');
    await page.fill('#create-tenant [name=portalId]', String(portalId));
    await page.fill('#create-tenant [name=heapAppId]', heapAppId);
    await page.click('#create-tenant button[type=submit]');
    await sourceStatus().filter({ hasText: 'Not set up' }).waitFor();
    await page.locator(`#tenants tr:has-text("${heapAppId}")`).waitFor();
    expect(await page.textContent('#hubspot-auth')).toBe('Not authorised');
    expect(await page.isDisabled('#source-toggle')).toBe(true);

    // OAuth install: control-api → the fake's authorize page (consents at once) → callback → /admin.
    await page.click('#oauth-start');
    await page.waitForURL(/\/admin#tenant=/, { timeout: WAIT.timeoutMs });
    await page.locator('#hubspot-auth', { hasText: 'Authorised (oauth' }).waitFor();
    expect(await sourceStatus().textContent()).toBe('Not set up'); // no email property yet

    await page.check('#source-settings input[value=custom]');
    await page.fill('#source-settings [name=emailProperty]', 'work_email');
    await page.click('#source-settings button[type=submit]');
    await sourceStatus().filter({ hasText: 'Waiting for data' }).waitFor();
    await eventually(
      () => settings.some((r) => r.value.emailProperty === 'work_email' && r.value.sourceEnabled),
      { ...WAIT, message: 'settings with work_email and the source on published' },
    );

    // heap-writer reports Heap accepted the tenant's first events; the page refreshes every 5 s.
    const now = Date.now();
    await produce(platform, INTEGRATION_STATUS, [
      {
        portalId,
        appId: heapAppId,
        eventsWritten: 7,
        firstWrittenAt: now,
        lastWrittenAt: now,
        reporter: 'e2e',
      },
    ]);
    await sourceStatus().filter({ hasText: 'Connected' }).waitFor({ timeout: WAIT.timeoutMs });
    expect(await page.textContent('#source-detail')).toContain('7 events written');
    expect(await page.textContent(`#tenants tr:has-text("${heapAppId}")`)).toContain('Connected');
  });

  it('toggles the source off and on, and every change reaches integration.settings.v1', async () => {
    const published = settings.length;
    await page.uncheck('#source-toggle');
    await sourceStatus().filter({ hasText: 'Paused' }).waitFor();
    await eventually(() => settings.slice(published).some((r) => !r.value.sourceEnabled), {
      ...WAIT,
      message: 'sourceEnabled false published',
    });
    await page.check('#source-toggle');
    await sourceStatus().filter({ hasText: 'Connected' }).waitFor();
    await eventually(() => settings.at(-1)?.value.sourceEnabled === true, {
      ...WAIT,
      message: 'sourceEnabled true published last',
    });
  });

  it('sets the destination match keys and a recurring segment sync', async () => {
    await page.fill('#match-keys [name=heapMatchProperty]', 'work_email');
    await page.fill('#match-keys [name=hubspotMatchProperty]', 'email');
    await page.click('#match-keys button[type=submit]');
    await page.locator('#message', { hasText: 'Match keys saved' }).waitFor();

    await page.fill('#add-segment [name=segmentId]', '31337');
    await page.fill('#add-segment [name=name]', 'Power users');
    await page.selectOption('#add-segment [name=mode]', 'recurring');
    await page.click('#add-segment button[type=submit]');
    const row = page.locator('#segments tr[data-segment-id="31337"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Power users (31337)');
    expect(await row.locator('select').inputValue()).toBe('recurring');
    expect(await row.locator('td').nth(2).textContent()).toBe('never');
    await eventually(
      () =>
        settings.some(
          (r) =>
            r.value.heapMatchProperty === 'work_email' &&
            r.value.segments.some((s) => s.segmentId === '31337' && s.mode === 'recurring'),
        ),
      { ...WAIT, message: 'match keys and segment published' },
    );
  });

  it('shows a read-only key everything and lets it change nothing', async () => {
    const tenantId = /tenant=([^&]+)/.exec(page.url())![1]!;
    const created = await api('POST', '/api/keys', BOOTSTRAP_KEY, { role: 'read-only', tenants: [tenantId] });
    expect(created.status).toBe(201);
    const viewer = await browser.newPage();
    try {
      await signIn(viewer, String(created.body['key']));
      await viewer.locator(`#tenants tr:has-text("${heapAppId}") button`).click();
      await viewer.locator('#source-status', { hasText: 'Connected' }).waitFor();
      await viewer.uncheck('#source-toggle');
      await viewer.locator('#message', { hasText: '403' }).waitFor();
      // The refusal changed nothing: the next refresh shows the source still on.
      await eventually(async () => (await viewer.isChecked('#source-toggle')) === true, {
        ...WAIT,
        message: 'toggle back on after refresh',
      });
      expect(settings.at(-1)?.value.sourceEnabled).toBe(true);
    } finally {
      await viewer.close();
    }
  });

  it('disconnects: says what is deleted and kept, and publishes state disconnected', async () => {
    await page.click('#disconnect');
    await page.locator('#disconnect-result', { hasText: 'Kept:' }).waitFor();
    expect(await page.textContent('#disconnect-result')).toMatch(/^Deleted: .+\. Kept: .+\.$/);
    await sourceStatus().filter({ hasText: 'Disconnected' }).waitFor();
    expect(await page.textContent('#tenant-state')).toBe('disconnected');
    expect(await page.isDisabled('#source-toggle')).toBe(true);
    await eventually(() => settings.at(-1)?.value.state === 'disconnected', {
      ...WAIT,
      message: 'state disconnected published',
    });
    const token = await fetch(`${baseUrl}/internal/portals/${portalId}/hubspot-token`, {
      headers: { authorization: `Bearer ${INTERNAL_KEY}` },
    });
    expect(token.status).toBe(404);
  });
});

#!/usr/bin/env node
// `npm start`: runs the whole system on its embedded local default.
//   1. the local stack (Kafka + Apicurio on loopback; PostgreSQL from DATABASE_URL)
//   2. without HubSpot credentials (HUBSPOT_PORTALS unset): the HubSpot and Heap fakes, seeded with
//      the project's sample email events; with credentials: the real HubSpot and Heap
//   3. with the fakes: control-api (admin page http://127.0.0.1:3006/admin, key printed below and kept
//      with the secret-encryption keys in .infra/dev-keys.json, so tenants outlive a run) with
//      a demo tenant set up through its API (private-app token, email property `identity`; the demo
//      tenant of an earlier run is disconnected first). The apps read tenants from
//      integration.settings.v1 and HubSpot tokens from control-api, so tenants added in the admin page
//      work too and the source toggle pauses and resumes the flow
//   4. webhook-intake, identity-resolution, heap-writer, segment-export and property-sync
//   5. prints what reached Heap (from the Heap fake's /_fake/summary) and the tenant's source status,
//      then keeps running until Ctrl-C (`npm start -- --once` exits after the summary).
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const once = process.argv.includes('--once');
const useFakes = !process.env.HUBSPOT_PORTALS;
const children = [];
const log = (msg) => console.log(`[dev] ${msg}`);

const HUBSPOT_FAKE = 'http://127.0.0.1:4010';
const HEAP_FAKE = 'http://127.0.0.1:4020';
// A new demo portal each run: the poller keeps its cursor per portal in PostgreSQL, and the fakes
// regenerate the sample events at every start, so a reused portal would show almost nothing new.
const DEMO = {
  portalId: 100_000 + Math.floor(Math.random() * 900_000),
  token: 'local-dev-token',
  heapAppId: '1234567890',
};

function run(name, script, env = {}, args = []) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
    cwd: root,
    env: { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? 'text', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => `${name.padEnd(20)} | ${l}`)
      .join('\n');
  child.stdout.on('data', (c) => console.log(prefix(c)));
  child.stderr.on('data', (c) => console.error(prefix(c)));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(what, url, { method = 'GET', timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { method });
      if (res.ok) return res;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready at ${url} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping apps and fakes (the Kafka stack keeps running; `npm run stack:down` stops it)');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
        }),
    ),
  );
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const CONTROL_API = 'http://127.0.0.1:3006';

/**
 * control-api's keys for the local default, made once and kept in `.infra/dev-keys.json` (git-ignored,
 * mode 600): tenants and their encrypted tokens stay in PostgreSQL between runs, so the next run must
 * decrypt them with the same SECRET_KEYS and accept the same admin key.
 */
function localKeys() {
  const file = join(root, '.infra', 'dev-keys.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const keys = {
    adminKey: kept.adminKey || randomBytes(18).toString('hex'),
    internalKey: kept.internalKey || randomBytes(18).toString('hex'),
    secretKeys: kept.secretKeys || `k1:${randomBytes(32).toString('base64')}`,
  };
  if (
    keys.adminKey === kept.adminKey &&
    keys.internalKey === kept.internalKey &&
    keys.secretKeys === kept.secretKeys
  )
    return keys;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}
const KEYS = localKeys();
const ADMIN_KEY = process.env.CONTROL_API_BOOTSTRAP_KEY ?? KEYS.adminKey;
const INTERNAL_KEY = KEYS.internalKey;

/** One admin API call to control-api with the bootstrap key; throws with the answer on non-2xx. */
async function controlApi(method, path, body) {
  const res = await fetch(`${CONTROL_API}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control-api ${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** control-api with random keys, and the demo tenant set up through its API; returns the tenant id. */
async function startControlPlane() {
  run('control-api', 'apps/control-api/src/main.ts', {
    PORT: '3006',
    PUBLIC_URL: CONTROL_API,
    CONTROL_API_BOOTSTRAP_KEY: ADMIN_KEY,
    INTERNAL_API_KEY: INTERNAL_KEY,
    SECRET_KEYS: KEYS.secretKeys,
    HUBSPOT_API_BASE: HUBSPOT_FAKE,
    HUBSPOT_APP_BASE: HUBSPOT_FAKE,
    HUBSPOT_CLIENT_ID: 'local-dev-client',
    HUBSPOT_CLIENT_SECRET: 'local-dev-client-secret',
    SEGMENT_EXPORT_URL: 'http://127.0.0.1:3005',
  });
  await waitFor('control-api', `${CONTROL_API}/health`, { timeoutMs: 90_000 });
  // The Heap fake's demo app_id is paired once: an earlier run's demo tenant (same database) is
  // disconnected first, which frees it (its data stays, see control-api's README "Disconnect").
  for (const earlier of await controlApi('GET', '/api/tenants')) {
    if (earlier.heapAppId === DEMO.heapAppId && earlier.state === 'active') {
      await controlApi('POST', `/api/tenants/${earlier.id}/disconnect`);
      log(`disconnected the demo tenant of an earlier run (portal ${earlier.portalId})`);
    }
  }
  const tenant = await controlApi('POST', '/api/tenants', {
    portalId: DEMO.portalId,
    heapAppId: DEMO.heapAppId,
    name: 'Demo portal',
  });
  await controlApi('PUT', `/api/tenants/${tenant.id}/hubspot/private-app-token`, { token: DEMO.token });
  await controlApi('PATCH', `/api/tenants/${tenant.id}/settings`, { emailProperty: 'identity' });
  log(`control-api: admin page ${CONTROL_API}/admin — API key ${ADMIN_KEY}`);
  return tenant.id;
}

/**
 * Issue 3's path on the demo: `ops-cli import contacts` pages the fake's fixture contacts into
 * hubspot.webhook-events.v1; identity-resolution → property-sync read every property and write Heap
 * user properties. Prints the backfill's count and one Heap user's properties.
 */
async function backfillContacts() {
  log("backfilling the demo portal's contacts: npm run ops -- import contacts --portal …");
  const output = execFileSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      join(root, 'apps/ops-cli/src/main.ts'),
      'import',
      'contacts',
      '--portal',
      String(DEMO.portalId),
      '--token',
      DEMO.token,
      '--base-url',
      HUBSPOT_FAKE,
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const counts = /contacts: (\d+) read, (\d+) emitted, (\d+) without email/.exec(output);
  log(counts ? counts[0] : `import contacts printed: ${output.trim().split('\n').at(-1)}`);
  const emitted = counts ? Number(counts[2]) : 1;
  const deadline = Date.now() + 120_000;
  let withProperties = [];
  while (withProperties.length < emitted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    const users = await (await fetch(`${HEAP_FAKE}/_fake/users?app_id=${DEMO.heapAppId}`)).json();
    withProperties = users.filter((u) => Object.keys(u.properties ?? {}).length > 1);
  }
  log(`Heap users with HubSpot contact properties: ${withProperties.length} of ${emitted} contacts emitted`);
  const sample = withProperties[0];
  if (sample) {
    const shown = Object.fromEntries(Object.entries(sample.properties).slice(0, 8));
    log(
      `e.g. ${sample.identity}: ${Object.keys(sample.properties).length} properties, ${JSON.stringify(shown)} …`,
    );
  }
}

async function heapSummary() {
  const res = await fetch(`${HEAP_FAKE}/_fake/summary`);
  return res.json();
}

async function main() {
  execFileSync('bash', [join(root, 'scripts/stack.sh'), 'up'], { stdio: 'inherit' });
  const env = {};
  if (useFakes) {
    log('no HUBSPOT_PORTALS configured: using the local HubSpot and Heap fakes with sample data');
    run('fakes', 'libs/testing/src/fakes/serve.ts', {}, [
      '--hubspot-port',
      '4010',
      '--heap-port',
      '4020',
      '--any-heap-app-id',
      '--with-contacts',
      '--seed-sample',
      '50',
      '--portal',
      String(DEMO.portalId),
    ]);
    await waitFor('Heap fake', `${HEAP_FAKE}/_fake/summary`);
    Object.assign(env, {
      HUBSPOT_BASE_URL: HUBSPOT_FAKE,
      HUBSPOT_PORTALS: JSON.stringify([{ portalId: DEMO.portalId, accessToken: DEMO.token }]),
      HUBSPOT_CLIENT_SECRET: 'local-dev-client-secret',
      POLL_INITIAL_START: String(Date.now() - 30 * 86_400_000),
      HEAP_BASE_URL: HEAP_FAKE,
    });
  }
  // Every topic exists before the apps start together (no creation race between them).
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, 'scripts/provision-topics.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  const tenantId = useFakes ? await startControlPlane() : undefined;
  // With the fakes, tenants and tokens come from control-api (SETTINGS_SOURCE=topic,
  // HUBSPOT_TOKEN_SOURCE=control-api); with real credentials, from the environment as configured.
  const fromControlApi = useFakes
    ? {
        SETTINGS_SOURCE: 'topic',
        HUBSPOT_TOKEN_SOURCE: 'control-api',
        CONTROL_API_URL: CONTROL_API,
        INTERNAL_API_KEY: INTERNAL_KEY,
      }
    : {};
  // Heap credentials (Segments Sync secrets, privacy API keys) stored through control-api, too.
  const heapCredentialsFromControlApi = useFakes ? { HEAP_CREDENTIALS_SOURCE: 'control-api' } : {};
  run('webhook-intake', 'apps/webhook-intake/src/main.ts', {
    ...env,
    ...fromControlApi,
    ...heapCredentialsFromControlApi,
    PORT: '3001',
  });
  run('identity-resolution', 'apps/identity-resolution/src/main.ts', {
    ...env,
    ...fromControlApi,
    PORT: '3002',
  });
  run('heap-writer', 'apps/heap-writer/src/main.ts', { ...env, PORT: '3003' });
  run('segment-export', 'apps/segment-export/src/main.ts', { ...env, ...fromControlApi, PORT: '3005' });
  run('property-sync', 'apps/property-sync/src/main.ts', {
    ...env,
    ...(useFakes
      ? {
          HUBSPOT_TOKEN_SOURCE: 'control-api',
          ...heapCredentialsFromControlApi,
          CONTROL_API_URL: CONTROL_API,
          INTERNAL_API_KEY: INTERNAL_KEY,
        }
      : {}),
    ...(env.HEAP_BASE_URL ? { HEAP_PRIVACY_BASE_URL: env.HEAP_BASE_URL } : {}),
    PORT: '3004',
  });
  for (const port of [3001, 3002, 3003, 3004, 3005])
    await waitFor(`app on ${port}`, `http://127.0.0.1:${port}/health`, { timeoutMs: 90_000 });
  log('all apps healthy; triggering a poll of the HubSpot Email Events API');
  await waitFor('poller', 'http://127.0.0.1:3001/poller/run-once', { method: 'POST' });

  if (!useFakes) {
    log('running against real HubSpot and Heap; Ctrl-C stops the apps');
    return;
  }
  // Wait until Heap has events and has received nothing new for 3 readings in a row (6 s).
  let last = -1;
  let stableReadings = 0;
  let summary;
  const deadline = Date.now() + 180_000;
  while (stableReadings < 3) {
    summary = await heapSummary();
    const total = Object.values(summary.apps ?? {}).reduce((sum, app) => sum + app.events, 0);
    stableReadings = total > 0 && total === last ? stableReadings + 1 : 0;
    if (Date.now() > deadline) throw new Error('no events reached the Heap fake within 180 s');
    last = total;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  // Only the demo tenant's app_id: on a local stack kept between runs, the default consumer groups may
  // also carry earlier test traffic of other app_ids (`bash scripts/stack.sh reset` starts clean).
  const others = Object.keys(summary.apps ?? {}).filter((appId) => appId !== DEMO.heapAppId);
  log(
    `what reached Heap app_id ${DEMO.heapAppId} (${HEAP_FAKE}/_fake/summary):\n` +
      JSON.stringify(summary.apps?.[DEMO.heapAppId] ?? {}, null, 2) +
      (others.length > 0 ? `\n(and ${others.length} other app_ids, see /_fake/summary)` : ''),
  );
  await backfillContacts();
  // heap-writer reports written events on integration.status.v1; control-api turns that into "Connected".
  const statusDeadline = Date.now() + 60_000;
  let status = (await controlApi('GET', `/api/tenants/${tenantId}`)).status;
  while (status.source !== 'Connected' && Date.now() < statusDeadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    status = (await controlApi('GET', `/api/tenants/${tenantId}`)).status;
  }
  log(
    `demo tenant source status: ${status.source}` +
      (status.firstEventAt ? ` (heap-writer reported the first events at ${status.firstEventAt})` : ''),
  );
  if (once) await stop(0);
  else log('running; Ctrl-C stops the apps and fakes');
}

main().catch((err) => {
  console.error(`[dev] ${err.message}`);
  void stop(1);
});

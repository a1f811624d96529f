import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually, HubSpotFake, loadWebhookFixtures, sendWebhookBatch } from '@hubheap/testing';

const root = join(__dirname, '..', '..', '..');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

describe('main.ts (the real process: bootstrapService, env config, SIGTERM)', () => {
  let child: ChildProcess | undefined;
  let hubspot: HubSpotFake;
  const output: string[] = [];

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await hubspot?.stop();
  });

  const portalId = 100_000_000 + Math.floor(Math.random() * 899_999_999);

  it('boots against the stack and the HubSpot fake, serves, and stops cleanly within 10 s of SIGTERM', async () => {
    hubspot = new HubSpotFake();
    const { baseUrl } = await hubspot.start();
    hubspot.addAccessToken('main-it-token', portalId);
    const port = await freePort();
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/webhook-intake/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        LOG_FORMAT: 'text',
        HUBSPOT_CLIENT_SECRET: 'main-it-secret',
        HUBSPOT_BASE_URL: baseUrl,
        HUBSPOT_PORTALS: JSON.stringify([{ portalId, accessToken: 'main-it-token' }]),
        POLL_INTERVAL_MS: '3600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/health`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'webhook-intake /health',
    });

    const [fixture] = loadWebhookFixtures();
    const delivery = await sendWebhookBatch({
      targetUrl: `${url}/webhooks/hubspot`,
      events: fixture!.events,
      clientSecret: 'main-it-secret',
      retries: { count: 0 },
    });
    expect(delivery.attempts[0]?.status).toBe(200);
    const runOnce = await (await fetch(`${url}/poller/run-once`, { method: 'POST' })).json();
    expect(runOnce).toMatchObject({ portals: [{ portalId, status: 'polled' }] });

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>(
      (resolve) => {
        const started = Date.now();
        child!.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started }));
      },
    );
    child.kill('SIGTERM');
    const { code, signal, ms } = await exited;
    // Nest runs every shutdown hook, then re-raises the signal; the 10 s watchdog would exit(1) instead.
    const clean = code === 0 || (code === null && signal === 'SIGTERM');
    if (!clean) process.stderr.write(output.join(''));
    expect({ code, signal, clean }).toMatchObject({ clean: true });
    expect(ms).toBeLessThan(10_000);
    expect(output.join('')).not.toMatch(/shutdown took longer|ERROR/);
  });
});

// Standalone CLI: runs the HubSpot and Heap fakes for local demos and manual testing.
//   node -r @swc-node/register libs/testing/src/fakes/serve.ts --hubspot-port 4010 --heap-port 4020 --seed-sample 200
import { Command, InvalidArgumentError } from 'commander';
import { loadContactSeeds, loadPropertyDefinitions } from '../contact-fixtures';
import { loadEmailEventFixtures } from '../fixtures';
import { generateSampleEmailEvents } from '../sample-data';
import { HeapFake } from './heap/heap.fake';
import { HubSpotFake } from './hubspot/hubspot.fake';

interface ServeOptions {
  host: string;
  hubspotPort: number;
  heapPort: number;
  portal: number;
  token: string;
  heapAppId: string[];
  anyHeapAppId: boolean;
  seedSample: number;
  campaigns: number;
  seed: number;
  sampleStartMs?: number;
  withFixtures: boolean;
  withContacts: boolean;
  rateLimit: boolean;
}

const int = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Parses argv, starts both fakes with demo data and stops them on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('hubheap-fakes')
    .description('Run local fakes of the HubSpot and Heap APIs')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--hubspot-port <port>', 'HubSpot fake port (0 = ephemeral)', int, 4010)
    .option('--heap-port <port>', 'Heap fake port (0 = ephemeral)', int, 4020)
    .option('--portal <id>', 'demo HubSpot portal id', int, 62515)
    .option('--token <token>', 'access token accepted for the demo portal', 'local-dev-token')
    .option('--heap-app-id <id>', 'accepted Heap app_id (repeatable)', collect)
    .option('--any-heap-app-id', 'accept every Heap app_id (tenants paired in the admin page)', false)
    .option('--seed-sample <recipients>', 'recipients of generated sample email events (0 = none)', int, 200)
    .option('--campaigns <n>', 'campaigns in the sample data', int, 3)
    .option('--seed <n>', 'PRNG seed of the sample data', int, 1)
    .option(
      '--sample-start-ms <ms>',
      'send time of the first sample campaign (default: campaigns + 6 days ago)',
      int,
    )
    .option('--with-fixtures', 'also seed the 52 public email-event fixtures into the demo portal', false)
    .option(
      '--with-contacts',
      'seed the public contact fixtures and their 324 property definitions into the demo portal',
      false,
    )
    .option('--no-rate-limit', 'disable HubSpot and Heap rate limiting');
  const opts = program.parse(argv).opts<ServeOptions>();

  const hubspot = new HubSpotFake({
    host: opts.host,
    port: opts.hubspotPort,
    rateLimit: { enabled: opts.rateLimit },
    fakeRoutes: (fake, method, path, params) => {
      // POST /_fake/portals/<portalId>/sample-email-events?recipients=N: sample events for a portal of
      // your own (e.g. a tenant added in the admin page), so its source can reach "Connected".
      const match = /^\/_fake\/portals\/(\d{1,15})\/sample-email-events$/.exec(path);
      if (method !== 'POST' || !match) return undefined;
      const portalId = Number(match[1]);
      const recipients = Math.min(Math.max(Number(params.get('recipients') ?? '5') || 5, 1), 500);
      const events = generateSampleEmailEvents({
        portalId,
        recipients,
        campaigns: opts.campaigns,
        seed: Date.now() % 1_000_000,
        startMs: Date.now() - (opts.campaigns + 6) * 86_400_000,
      });
      fake.seedEmailEvents(portalId, events);
      return [200, { portalId, seeded: events.length, total: fake.emailEventCount(portalId) }];
    },
  });
  hubspot.addAccessToken(opts.token, opts.portal);
  if (opts.seedSample > 0) {
    // Journeys span up to ~5 days after their send, so by default every sample event lies in the past.
    const startMs = opts.sampleStartMs ?? Date.now() - (opts.campaigns + 6) * 86_400_000;
    const events = generateSampleEmailEvents({
      portalId: opts.portal,
      recipients: opts.seedSample,
      campaigns: opts.campaigns,
      seed: opts.seed,
      startMs,
    });
    hubspot.seedEmailEvents(opts.portal, events);
  }
  if (opts.withFixtures) hubspot.seedEmailEvents(opts.portal, loadEmailEventFixtures());
  if (opts.withContacts) {
    hubspot.seedContactProperties(opts.portal, loadPropertyDefinitions());
    hubspot.seedContacts(opts.portal, loadContactSeeds());
  }
  const heap = new HeapFake({
    host: opts.host,
    port: opts.heapPort,
    appIds: opts.heapAppId ?? ['1234567890'],
    acceptAnyAppId: opts.anyHeapAppId,
    rateLimits: { enabled: opts.rateLimit },
  });

  const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([hubspot.start(), heap.start()]);
  console.log(
    `HubSpot fake: ${hubspotUrl}  (portal ${opts.portal}, token "${opts.token}", ${hubspot.emailEventCount(opts.portal)} email events)`,
  );
  console.log(
    `Heap fake:    ${heapUrl}  (app_id ${(opts.heapAppId ?? ['1234567890']).join(', ')}; inspect ${heapUrl}/_fake/summary)`,
  );

  const shutdown = (signal: string): void => {
    console.log(`${signal} received, stopping fakes`);
    void Promise.all([hubspot.stop(), heap.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

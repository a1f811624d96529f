import { HeapRejectedError, HeapRetriableError, type HeapClient } from '@hubheap/heap';
import {
  HubSpotRetriableError,
  HubSpotTokenUnavailableError,
  type ContactPropertiesClient,
} from '@hubheap/hubspot';
import { type ConsumedRecord, type KafkaPlatform, PermanentRecordError } from '@hubheap/kafka';
import type { HubSpotContactChange } from '@hubheap/schemas';
import { COALESCE_FETCH_MIN_BYTES, ContactChangesConsumer } from './contact-changes.consumer';
import type { UserDeletionsService } from './heap/user-deletions.service';
import type { PropertyDefinitionCache } from './hubspot/property-definition.cache';
import { PropertySyncMetrics } from './property-sync.metrics';
import { portalProperties } from './user-properties.writer';

let offset = 0;
const record = (
  contactId: string,
  over: Partial<HubSpotContactChange> = {},
): ConsumedRecord<HubSpotContactChange> => {
  offset += 1;
  return {
    topic: 'hubspot.contact-changes.v1',
    partition: 0,
    offset: String(offset),
    key: `1:${contactId}`,
    headers: {},
    timestamp: 0,
    value: {
      portalId: 1,
      contactId,
      appId: '11',
      identity: `c${contactId}@example.com`,
      email: null,
      previousEmail: null,
      change: 'property-changed',
      changedProperties: [],
      mergedContactIds: [],
      occurredAt: offset,
      sourceEventId: `e${offset}`,
      ...over,
    },
  };
};

/** The consumer with every dependency stubbed; `calls` records what it did, in order. */
const setup = (
  behaviour: {
    deletion?: () => Promise<void>;
    heap?: (users: Array<{ identity: string }>) => Promise<void>;
    batchRead?: (portalId: number) => Promise<void>;
    portalIds?: Pick<ReadonlySet<number>, 'has'>;
  } = {},
) => {
  const calls: string[] = [];
  const portal = portalProperties([
    { name: 'firstname', label: 'First Name', type: 'string', fieldType: 'text' },
  ]);
  const hubspot = {
    batchRead: async (_portalId: number, ids: readonly string[]) => {
      calls.push(`read ${ids.join(',')}`);
      await behaviour.batchRead?.(_portalId);
      return { contacts: ids.map((id) => ({ id, properties: { firstname: `N${id}` } })), missingIds: [] };
    },
  } as unknown as ContactPropertiesClient;
  const cache = { forPortal: async () => portal } as unknown as PropertyDefinitionCache;
  const heap = {
    addUserProperties: async (_appId: string, users: Array<{ identity: string }>) => {
      calls.push(`heap ${users.map((u) => u.identity).join(',')}`);
      await behaviour.heap?.(users);
    },
  } as unknown as HeapClient;
  const deletions = {
    request: async (plan: { contactId: string }) => {
      calls.push(`delete ${plan.contactId}`);
      await behaviour.deletion?.();
    },
  } as unknown as UserDeletionsService;
  const consumer = new ContactChangesConsumer(
    {} as KafkaPlatform,
    hubspot,
    cache,
    heap,
    deletions,
    new PropertySyncMetrics(),
    { groupId: 'g', maxBatchSize: 1000, portalIds: behaviour.portalIds ?? new Set([1]) },
  );
  return { consumer, calls };
};

describe('ContactChangesConsumer.handle', () => {
  it('requests deletions first, then reads once per contact and writes one Heap request', async () => {
    const { consumer, calls } = setup();
    const out = await consumer.handle([
      record('1'),
      record('2'),
      record('1'),
      record('3', { change: 'privacy-deleted' }),
    ]);
    expect(calls).toEqual(['delete 3', 'read 1,2', 'heap c1@example.com,c2@example.com']);
    expect(out).toEqual({ deadLetters: [] });
  });

  it('dead-letters a deletion refused for good and still writes the others', async () => {
    const { consumer, calls } = setup({
      deletion: async () => {
        throw new PermanentRecordError('no Heap privacy API key for app_id 11 (HEAP_PRIVACY_KEYS)');
      },
    });
    const deletion = record('3', { change: 'privacy-deleted' });
    const out = await consumer.handle([deletion, record('1')]);
    expect(out.deadLetters).toEqual([
      { record: deletion, reason: expect.stringContaining('HEAP_PRIVACY_KEYS') },
    ]);
    expect(calls).toContain('heap c1@example.com');
  });

  it('HUBSPOT_TOKEN_SOURCE=control-api: a portal control-api has no token for dead-letters only its changes', async () => {
    const { consumer, calls } = setup({
      portalIds: { has: () => true },
      batchRead: async (portalId) => {
        if (portalId === 2)
          throw new HubSpotTokenUnavailableError('portal 2: no HubSpot connection', {
            status: 404,
            retriable: false,
          });
      },
    });
    const other = record('5', { portalId: 2, appId: '22' });
    const out = await consumer.handle([record('1'), other]);
    expect(out.deadLetters).toEqual([
      { record: other, reason: expect.stringContaining('no HubSpot connection') },
    ]);
    expect(calls).toContain('heap c1@example.com');

    const down = setup({
      portalIds: { has: () => true },
      batchRead: () =>
        Promise.reject(new HubSpotTokenUnavailableError('down', { status: 503, retriable: true })),
    });
    await expect(down.consumer.handle([record('1')])).rejects.toMatchObject({ retriable: true });
  });

  it('dead-letters the latest change of the one user Heap refuses', async () => {
    const { consumer } = setup({
      heap: async (users) => {
        if (users.some((u) => u.identity === 'c2@example.com')) throw new HeapRejectedError(400, 'bad user');
      },
    });
    const latest = record('2');
    const out = await consumer.handle([record('1'), record('2'), latest]);
    expect(out.deadLetters).toEqual([{ record: latest, reason: 'bad user' }]);
  });

  it.each([
    [
      'a retriable deletion failure',
      { deletion: () => Promise.reject(new HeapRetriableError('503', { kind: 'http', status: 503 })) },
    ],
    [
      'a HubSpot 429 the gate gave up on',
      { batchRead: () => Promise.reject(new HubSpotRetriableError('429', { status: 429, body: {} })) },
    ],
    [
      'a Heap 429',
      { heap: () => Promise.reject(new HeapRetriableError('429', { kind: 'http', status: 429 })) },
    ],
  ])('rethrows %s so the batch is retried uncommitted', async (_name, behaviour) => {
    const { consumer } = setup(behaviour);
    await expect(
      consumer.handle([record('3', { change: 'privacy-deleted' }), record('1')]),
    ).rejects.toMatchObject({
      retriable: true,
    });
  });
});

describe('ContactChangesConsumer coalescing window', () => {
  const started = async (coalesceWindowMs: number | undefined) => {
    const options: Array<Record<string, unknown>> = [];
    const platform = {
      consumer: async (o: Record<string, unknown>) => {
        options.push(o);
        return { start: async () => undefined, stop: async () => undefined };
      },
    } as unknown as KafkaPlatform;
    const consumer = new ContactChangesConsumer(
      platform,
      {} as ContactPropertiesClient,
      {} as PropertyDefinitionCache,
      {} as HeapClient,
      {} as UserDeletionsService,
      new PropertySyncMetrics(),
      { groupId: 'g', maxBatchSize: 1000, portalIds: new Set([1]), coalesceWindowMs },
    );
    await consumer.onApplicationBootstrap();
    return options[0]!;
  };

  it('makes each fetch gather up to COALESCE_WINDOW_MS of changes (fetch.max.wait, fetch.min.bytes 1 MiB)', async () => {
    expect(await started(1500)).toMatchObject({ maxWaitTimeInMs: 1500, minBytes: COALESCE_FETCH_MIN_BYTES });
  });

  it('with a window of 0 a fetch answers as soon as anything arrived (the BatchConsumer defaults)', async () => {
    const options = await started(0);
    expect(options).not.toHaveProperty('minBytes');
    expect(options).not.toHaveProperty('maxWaitTimeInMs');
  });
});

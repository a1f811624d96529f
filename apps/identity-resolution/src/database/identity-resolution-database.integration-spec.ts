import type { HeapTrackEvent } from '@hubheap/schemas';
import { stackEndpoints, tablesOf, throwawaySchema, undoAllMigrations } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import type { PausedRecord, PendingOutput, PendingRecord } from '../identity/pending-record';
import { IdentityMapRepository } from './identity-map.repository';
import { openIdentityResolutionDatabase } from './identity-resolution-database';
import { PendingRecordsRepository } from './pending-records.repository';

const ALL = ['heap_identities', 'hubspot_contacts', 'migrations', 'pending_records'];

const pending = (partition: number, offset: string, email = 'a@x.io'): PendingRecord => ({
  appId: '22',
  portalId: 1,
  email,
  reason: 'no-identity',
  origin: {
    topic: 'hubspot.email-events.v1',
    partition,
    offset,
    key: `1:${email}`,
    value: { id: `${partition}-${offset}` },
    headers: { h: 'v' },
    timestamp: 0,
  },
  output: {
    topic: 'heap.track-events.v1',
    value: { identity: '', sourceEventId: `${partition}-${offset}` } as HeapTrackEvent,
  },
  consumerGroup: 'g',
  enqueuedAt: 1000 + Number(offset),
});

const paused = (portalId: number, partition: number, offset: string): PausedRecord => ({
  appId: '33',
  portalId,
  reason: 'source-paused',
  origin: {
    topic: 'hubspot.email-events.v1',
    partition,
    offset,
    key: `${portalId}:p@x.io`,
    value: { id: `${partition}-${offset}` },
    headers: {},
    timestamp: 0,
  },
  outputTopic: 'heap.track-events.v1',
  consumerGroup: 'g',
  enqueuedAt: 1,
});

describe('identity-resolution database (real Postgres, throw-away schema)', () => {
  const schema = throwawaySchema('ir_db_test');
  let db: DataSource;

  beforeAll(async () => {
    db = await openIdentityResolutionDatabase(stackEndpoints().databaseUrl, schema);
  });
  afterAll(async () => {
    if (db?.isInitialized) {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
  });

  it('migrations: up creates the tables; down removes them; up again restores them', async () => {
    expect(await tablesOf(db, schema)).toEqual(ALL);
    await undoAllMigrations(db);
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(ALL);
  });

  it('origin digest migration: a row parked before it is recognised when its record is redelivered after it', async () => {
    await db.undoLastMigration();
    const before = pending(0, '42', 'upgrade@x.io');
    await db.query(
      `INSERT INTO "${schema}"."pending_records" ("app_id", "portal_id", "email_normalized", "reason", "topic",
         "partition", "offset", "key", "value", "headers", "output_topic", "output", "consumer_group", "enqueued_at")
       VALUES ($1, 1, $2, 'no-identity', $3, 0, 42, $4, $5, '{}', 'heap.track-events.v1', '{}', 'g', 1)`,
      [
        before.appId,
        before.email,
        before.origin.topic,
        before.origin.key,
        JSON.stringify(before.origin.value),
      ],
    );
    await db.runMigrations();
    expect(await new PendingRecordsRepository(db).enqueue([before])).toEqual([]);
    await db.query(`DELETE FROM "${schema}"."pending_records"`);
  });

  it('identity map: idempotent, an older observedAt never wins, a changed email moves the identity', async () => {
    const map = new IdentityMapRepository(db);
    const pairs = [
      { appId: '22', email: 'a@x.io' },
      { appId: '22', email: 'b@x.io' },
    ];
    await map.apply([{ appId: '22', identity: 'u-1', email: 'a@x.io', observedAt: 10 }]);
    await map.apply([{ appId: '22', identity: 'u-1', email: 'a@x.io', observedAt: 10 }]);
    expect(await map.identities(pairs)).toEqual(new Map([['22:a@x.io', 'u-1']]));
    expect(await map.apply([{ appId: '22', identity: 'u-9', email: 'a@x.io', observedAt: 5 }])).toEqual([]);
    expect(await map.identities(pairs)).toEqual(new Map([['22:a@x.io', 'u-1']]));
    await map.apply([{ appId: '22', identity: 'u-1', email: 'b@x.io', observedAt: 20 }]);
    expect(await map.identities(pairs)).toEqual(new Map([['22:b@x.io', 'u-1']]));
    await map.apply([{ appId: '22', identity: 'u-1', email: undefined, observedAt: 30 }]);
    expect(await map.identities(pairs)).toEqual(new Map());
  });

  it('pending records: re-delivery ignored; released in topic/partition/offset order only once the identity exists', async () => {
    const repo = new PendingRecordsRepository(db);
    const map = new IdentityMapRepository(db);
    await repo.enqueue([pending(1, '10'), pending(0, '7'), pending(1, '9')]);
    expect(await repo.enqueue([pending(1, '10')])).toEqual([]);
    const sent: PendingOutput[][] = [];
    const send = async (outputs: PendingOutput[]) => {
      sent.push(outputs);
    };
    expect(await repo.release('22', 'a@x.io', send)).toBe(0);
    expect(await repo.waiting([{ appId: '22', email: 'a@x.io' }])).toEqual(new Set(['22:a@x.io']));

    await map.apply([{ appId: '22', identity: 'u-5', email: 'a@x.io', observedAt: 1 }]);
    await expect(
      repo.release('22', 'a@x.io', () => Promise.reject(new Error('broker down'))),
    ).rejects.toThrow('broker down');
    expect(await repo.release('22', 'a@x.io', send)).toBe(3);
    expect(sent[0]!.map((o) => [o.value.identity, (o.value as HeapTrackEvent).sourceEventId])).toEqual([
      ['u-5', '0-7'],
      ['u-5', '1-9'],
      ['u-5', '1-10'],
    ]);
    expect(await repo.release('22', 'a@x.io', send)).toBe(0);
  });

  it('pending records: a different record at the coordinates of an old waiting row (a re-created topic) is stored beside it', async () => {
    const repo = new PendingRecordsRepository(db);
    const old = { ...pending(2, '3', 'old@x.io'), appId: '44' };
    const recreated: PendingRecord = {
      ...pending(2, '3', 'new@x.io'),
      appId: '44',
      origin: { ...old.origin, key: '1:new@x.io', value: { id: 'after-recreation' } },
    };
    expect(await repo.enqueue([old])).toEqual([old]);
    expect(await repo.enqueue([recreated])).toEqual([recreated]);
    expect(await repo.enqueue([recreated, old])).toEqual([]);
    expect(
      await repo.waiting([
        { appId: '44', email: 'old@x.io' },
        { appId: '44', email: 'new@x.io' },
      ]),
    ).toEqual(new Set(['44:old@x.io', '44:new@x.io']));
    await db.query(`DELETE FROM "${schema}"."pending_records" WHERE "app_id" = '44'`);
  });

  it('pending records: expired ones are taken oldest first and removed', async () => {
    const repo = new PendingRecordsRepository(db);
    await repo.enqueue([pending(2, '1', 'z@x.io'), pending(2, '5', 'z@x.io')]);
    const taken: string[] = [];
    const n = await repo.takeExpired(1003, 10, async (rows) => {
      taken.push(...rows.map((r) => `${r.origin.offset}:${JSON.stringify(r.origin.headers)}`));
    });
    expect(n).toBe(1);
    expect(taken).toEqual(['1:{"h":"v"}']);
    expect(await repo.forget('22', 'z@x.io')).toBe(1);
  });

  it('source-paused records: never expire; taken per portal in original order; a re-parked one stays; dropped on disconnect', async () => {
    const repo = new PendingRecordsRepository(db);
    await repo.enqueue([paused(501, 1, '4'), paused(501, 0, '9'), paused(501, 1, '2'), paused(502, 0, '1')]);
    expect(await repo.pausedPortals([501, 502, 503])).toEqual(new Set([501, 502]));
    expect(await repo.takeExpired(Number.MAX_SAFE_INTEGER, 10, () => Promise.resolve())).toBe(0);

    await expect(repo.takePaused(501, 10, () => Promise.reject(new Error('broker down')))).rejects.toThrow(
      'broker down',
    );
    const order: string[] = [];
    const n = await repo.takePaused(501, 10, async (rows) => {
      order.push(...rows.map((r) => `${r.origin.partition}@${r.origin.offset}`));
      // The release finds the first one still without an identity: it is re-parked as no-identity.
      await repo.enqueue([{ ...pending(0, '9', 'p@x.io'), appId: '33', portalId: 501 }]);
    });
    expect(n).toBe(3);
    expect(order).toEqual(['0@9', '1@2', '1@4']);
    expect(await repo.pausedPortals([501])).toEqual(new Set());
    expect(await repo.waiting([{ appId: '33', email: 'p@x.io' }])).toEqual(new Set(['33:p@x.io']));

    expect(await repo.dropPortal(501)).toBe(1);
    expect(await repo.dropPortal(502)).toBe(1);
    expect(await repo.pausedPortals([501, 502])).toEqual(new Set());
  });
});

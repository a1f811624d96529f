import {
  HEAP_TRACK_EVENTS,
  type ConsumerGroupContract,
  type HeapTrackEvent,
  type TopicContract,
} from '@hubheap/schemas';
import {
  describeGroupMembers,
  type BatchConsumer,
  type GroupMember,
  type KafkaPlatform,
} from '@hubheap/kafka';
import {
  committedOffsets,
  eventually,
  MemoryLogger,
  positionGroup,
  testPlatform,
  uniqueName,
} from '@hubheap/testing';
import { runOps } from './replay-harness';

// Real broker. Each test: its own 2-partition topic (a copy of heap.track-events with a unique name)
// holding 10 records on partition 0 and 6 on partition 1, record i stamped T0 + i s; its own group.
// Recent enough for the topic's 7-day retention, which would otherwise delete the records under the test.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const event = (n: number): HeapTrackEvent => ({
  appId: '42',
  portalId: 62515,
  identity: `user${n}@example.com`,
  event: 'Opened Email',
  timestamp: new Date(T0 + n).toISOString(),
  idempotencyKey: `hs:62515:${T0 + n}:e${n}`,
  properties: {},
  sourceEventId: `e${n}`,
});

describe('ops replay against a real broker', () => {
  let platform: KafkaPlatform;
  const consumers: BatchConsumer<unknown>[] = [];

  beforeAll(() => {
    platform = testPlatform('ops-replay-it', new MemoryLogger());
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    await platform.close();
  });

  const setup = async (): Promise<{
    contract: TopicContract<HeapTrackEvent>;
    group: ConsumerGroupContract;
    topic: string;
  }> => {
    const contract = { ...HEAP_TRACK_EVENTS, name: uniqueName('it.replay'), partitions: 2 };
    await platform.provision([contract]);
    const producer = await platform.producer();
    for (const [partition, count] of [
      [0, 10],
      [1, 6],
    ] as const) {
      const messages = [];
      for (let i = 0; i < count; i += 1) {
        messages.push({
          partition,
          key: `k${i}`,
          value: await platform.serde.encode(contract, event(i)),
          timestamp: String(T0 + i * 1000),
        });
      }
      await producer.sendRaw(contract.name, messages);
    }
    const group: ConsumerGroupContract = {
      groupId: uniqueName('it.replay-group'),
      app: 'heap-writer',
      topics: [contract],
    };
    return { contract, group, topic: contract.name };
  };
  const committed = (groupId: string, topic: string) => committedOffsets(platform, groupId, topic);

  it('resets an idle group to the beginning and prints what is re-read', async () => {
    const { group, topic } = await setup();
    await positionGroup(platform, group.groupId, topic, { 0: '10', 1: '6' });
    const run = await runOps(platform, ['replay', '--group', group.groupId, '--to-beginning'], [group]);
    expect(await committed(group.groupId, topic)).toEqual({ 0: '0', 1: '0' });
    expect(run.out).toContain(`${topic}[0]: committed 10 → 0 (10 records to re-read)`);
    expect(run.out).toContain(`${topic}[1]: committed 6 → 0 (6 records to re-read)`);
    expect(run.out).toContain('total: 16 records to re-read');
  });

  it('moves one partition to an offset, by app name', async () => {
    const { group, topic } = await setup();
    await positionGroup(platform, group.groupId, topic, { 0: '10', 1: '6' });
    const run = await runOps(
      platform,
      ['replay', '--group', 'heap-writer', '--topic', topic, '--partition', '1', '--to-offset', '2'],
      [group],
    );
    expect(await committed(group.groupId, topic)).toEqual({ 0: '10', 1: '2' });
    expect(run.out).toEqual([
      `reset group ${group.groupId} (heap-writer):`,
      `${topic}[1]: committed 6 → 2 (4 records to re-read)`,
      'total: 4 records to re-read',
    ]);
  });

  it('moves a group to the first records at or after a timestamp (ISO or ms)', async () => {
    const { group, topic } = await setup();
    await positionGroup(platform, group.groupId, topic, { 0: '10', 1: '6' });
    await runOps(
      platform,
      ['replay', '--group', group.groupId, '--to-timestamp', new Date(T0 + 5000).toISOString()],
      [group],
    );
    expect(await committed(group.groupId, topic)).toEqual({ 0: '5', 1: '5' });
    await runOps(
      platform,
      ['replay', '--group', group.groupId, '--partition', '0', '--to-timestamp', String(T0 + 7500)],
      [group],
    );
    expect(await committed(group.groupId, topic)).toEqual({ 0: '8', 1: '5' });
  });

  it('dry run prints the plan and changes nothing', async () => {
    const { group, topic } = await setup();
    await positionGroup(platform, group.groupId, topic, { 0: '10', 1: '4' });
    const run = await runOps(
      platform,
      ['replay', '--group', group.groupId, '--to-offset', '3', '--dry-run'],
      [group],
    );
    expect(run.out).toEqual([
      `dry run: group ${group.groupId} (heap-writer) would move as follows; nothing changed`,
      `${topic}[0]: committed 10 → 3 (7 records to re-read)`,
      `${topic}[1]: committed 4 → 3 (1 records to re-read)`,
      'total: 8 records to re-read',
    ]);
    expect(await committed(group.groupId, topic)).toEqual({ 0: '10', 1: '4' });
  });

  const startLive = async (group: ConsumerGroupContract, contract: TopicContract<HeapTrackEvent>) => {
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: group.groupId,
      topics: [contract],
      handler: async () => undefined,
    });
    consumers.push(consumer as BatchConsumer<unknown>);
    await consumer.start();
    await eventually(
      async () =>
        (await committed(group.groupId, contract.name))[0] === '10' &&
        (await committed(group.groupId, contract.name))[1] === '6',
      {
        message: 'live group caught up',
        timeoutMs: 30_000,
      },
    );
    let member: GroupMember | undefined;
    await eventually(
      async () => {
        const g = await describeGroupMembers(await platform.admin(), group.groupId);
        member = g.members[0];
        return g.state === 'Stable' && g.members.length === 1;
      },
      { message: 'one stable member' },
    );
    return member!;
  };

  it('refuses while the group has a live member, and names it', async () => {
    const { contract, group, topic } = await setup();
    const member = await startLive(group, contract);
    const attempt = runOps(platform, ['replay', '--group', group.groupId, '--to-beginning'], [group]);
    await expect(attempt).rejects.toThrow(/live member/);
    await expect(attempt).rejects.toThrow(member.memberId);
    await expect(attempt).rejects.toThrow('client ops-replay-it');
    expect(await committed(group.groupId, topic)).toEqual({ 0: '10', 1: '6' });
    // A dry run still shows the plan, with a note on stderr that the real run would be refused.
    const dry = await runOps(
      platform,
      ['replay', '--group', group.groupId, '--to-beginning', '--dry-run'],
      [group],
    );
    expect(dry.out).toContain(`${topic}[0]: committed 10 → 0 (10 records to re-read)`);
    expect(dry.err.join('\n')).toContain(member.memberId);
  });

  it('replays through a fresh group and leaves the live group untouched', async () => {
    const { contract, group, topic } = await setup();
    const member = await startLive(group, contract);
    const freshGroup = uniqueName('it.replay-fresh');
    const run = await runOps(
      platform,
      [
        'replay',
        '--group',
        group.groupId,
        '--partition',
        '0',
        '--to-offset',
        '4',
        '--fresh-group',
        freshGroup,
      ],
      [group],
    );
    expect(await committed(freshGroup, topic)).toEqual({ 0: '4', 1: '6' });
    expect(await committed(group.groupId, topic)).toEqual({ 0: '10', 1: '6' });
    const live = await describeGroupMembers(await platform.admin(), group.groupId);
    expect(live.members.map((m) => m.memberId)).toEqual([member.memberId]);
    expect(run.out).toContain(`${topic}[0]: committed 10 → 4 (6 records to re-read)`);
    expect(run.out).toContain(`${topic}[1]: starts at the end, 6 (not replayed)`);
    expect(run.out.join('\n')).toContain(`CONSUMER_GROUP=${freshGroup}`);
    // The same id is no longer fresh.
    await expect(
      runOps(
        platform,
        ['replay', '--group', group.groupId, '--to-beginning', '--fresh-group', freshGroup],
        [group],
      ),
    ).rejects.toThrow(/not fresh/);
  });

  it('rejects an unknown group, listing the known ones', async () => {
    const { group } = await setup();
    await expect(runOps(platform, ['replay', '--group', 'nope', '--to-beginning'], [group])).rejects.toThrow(
      `unknown consumer group "nope"; known groups: ${group.groupId} (heap-writer)`,
    );
  });
});

import { Logger } from '@nestjs/common';
import type { BatchHandler, ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_EMAIL_EVENTS } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from './consumer-adapter';

type Value = { n: number };

/** A KafkaPlatform whose consumer records what it was given and what was done to it. */
const fakePlatform = () => {
  const calls: string[] = [];
  let handler: BatchHandler<Value> | undefined;
  let options: Record<string, unknown> | undefined;
  const platform = {
    consumer: async (o: Record<string, unknown> & { handler: BatchHandler<Value> }) => {
      options = o;
      handler = o.handler;
      return {
        groupId: o['groupId'],
        start: async () => void calls.push('start'),
        stop: async () => void calls.push('stop'),
      };
    },
  } as unknown as KafkaPlatform;
  return { platform, calls, handler: () => handler!, options: () => options! };
};

class Adapter extends ConsumerAdapter<Value> {
  protected readonly logger = new Logger('Adapter');
  readonly handled: number[][] = [];
  constructor(
    platform: KafkaPlatform,
    private readonly calls: string[],
  ) {
    super(platform);
  }
  protected consumerOptions(): ConsumerAdapterOptions<Value> {
    return { groupId: 'g.test', topics: [HUBSPOT_EMAIL_EVENTS as never], maxBatchSize: 7 };
  }
  async handle(records: ConsumedRecord<Value>[]) {
    this.handled.push(records.map((r) => r.value.n));
    return { deadLetters: [] };
  }
  protected override async afterStop(): Promise<void> {
    this.calls.push('afterStop');
  }
}

const record = (n: number) => ({ value: { n } }) as ConsumedRecord<Value>;

describe('ConsumerAdapter', () => {
  it('starts its consumer with its options at bootstrap, routes batches to handle, stops it before shutdown', async () => {
    const fake = fakePlatform();
    const adapter = new Adapter(fake.platform, fake.calls);
    expect(adapter.batchConsumer).toBeUndefined();
    await adapter.onApplicationBootstrap();
    expect(fake.options()).toMatchObject({ groupId: 'g.test', maxBatchSize: 7 });
    expect(fake.calls).toEqual(['start']);
    expect(adapter.batchConsumer).toBeDefined();

    const outcome = await fake.handler()([record(1), record(2)], { heartbeat: async () => undefined });
    expect(outcome).toEqual({ deadLetters: [] });
    expect(adapter.handled).toEqual([[1, 2]]);

    await adapter.beforeApplicationShutdown();
    expect(fake.calls).toEqual(['start', 'stop', 'afterStop']);
  });

  it('a shutdown before bootstrap stops nothing', async () => {
    const fake = fakePlatform();
    await new Adapter(fake.platform, fake.calls).beforeApplicationShutdown();
    expect(fake.calls).toEqual([]);
  });
});

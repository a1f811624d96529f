import type { IHeaders, Message, Producer } from 'kafkajs';
import type { TopicContract } from '@hubheap/schemas';
import type { AvroSerde } from './avro-serde';

/** One value to produce, with optional headers (strings). */
export interface OutgoingRecord<V> {
  value: V;
  headers?: Record<string, string>;
}

/**
 * Producer bound to the topic catalogue: values are Avro-encoded with the contract's schema and keyed by
 * the contract's `keyOf`. The underlying kafkajs producer is idempotent with acks=all, so `send`
 * resolves only once every in-sync replica has the records.
 */
export class TypedProducer {
  constructor(
    private readonly producer: Producer,
    private readonly serde: AvroSerde,
  ) {}

  /**
   * Encodes and produces `records` to `contract.name` in one request. Resolves after the broker acked
   * all of them (acks=all). Throws kafkajs errors (`retriable` set by kafkajs) or an Avro encoding error
   * when a value does not match the schema — nothing is produced in that case.
   */
  async send<V>(contract: TopicContract<V>, records: ReadonlyArray<OutgoingRecord<V>>): Promise<void> {
    if (records.length === 0) return;
    const messages: Message[] = await Promise.all(
      records.map(async (r) => ({
        key: contract.keyOf(r.value),
        value: await this.serde.encode(contract, r.value),
        headers: r.headers as IHeaders | undefined,
      })),
    );
    await this.producer.send({ topic: contract.name, acks: -1, messages });
  }

  /** Produces already-encoded messages (dead-letter writes and redrives keep the original bytes). */
  async sendRaw(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic, acks: -1, messages });
  }
}

import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { type TopicContract, valueSubject } from '@hubheap/schemas';

/**
 * Avro serde in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body) through a
 * Confluent-compatible registry (Apicurio's ccompat API here). Subjects are always `<topic>-value`,
 * passed explicitly: the library's default subject naming is not TopicNameStrategy.
 */
export class AvroSerde {
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, Promise<number>>();

  /** @param registryUrl e.g. `http://127.0.0.1:8081/apis/ccompat/v7` */
  constructor(registryUrl: string) {
    this.registry = new SchemaRegistry({
      host: registryUrl,
      retry: { retries: 5, initialRetryTimeInSecs: 0.2 },
    });
  }

  /**
   * Registers the contract's value schema under `<topic>-value` with BACKWARD compatibility (once per
   * process) and returns its registry id. Throws the registry's error when the schema is incompatible
   * with the latest registered version (HTTP 409) or invalid (422).
   */
  schemaIdFor(contract: TopicContract<unknown>): Promise<number> {
    let id = this.ids.get(contract.name);
    if (!id) {
      const register = () =>
        this.registry
          .register(
            { type: SchemaType.AVRO, schema: JSON.stringify(contract.valueSchema) },
            { subject: valueSubject(contract.name), compatibility: COMPATIBILITY.BACKWARD },
          )
          .then((r) => r.id);
      // Two apps registering a new subject at once: the loser's compatibility PUT answers 409
      // "A rule named 'COMPATIBILITY' already exists" (Apicurio). The schema is registered by then,
      // so registering again finds it and the subject's level.
      id = register().catch((error: unknown) => {
        if (/already exists/i.test(String((error as Error)?.message))) return register();
        throw error;
      });
      id.catch(() => this.ids.delete(contract.name));
      this.ids.set(contract.name, id);
    }
    return id;
  }

  /** Encodes one value with the contract's schema. Throws when the value does not match the schema. */
  async encode<V>(contract: TopicContract<V>, value: V): Promise<Buffer> {
    return this.registry.encode(await this.schemaIdFor(contract as TopicContract<unknown>), value);
  }

  /**
   * Decodes a Confluent-framed Avro buffer with the writer schema named by its id.
   * Throws on a wrong magic byte, an unknown schema id (404 from the registry) or a corrupt body.
   */
  decode<V>(buffer: Buffer): Promise<V> {
    return this.registry.decode(buffer) as Promise<V>;
  }
}

/**
 * Creates every catalogue topic and its dead-letter topic when missing (idempotent), before several
 * apps start at once: apps provision their own topics at boot, and two processes creating one topic
 * at the same moment can see UNKNOWN_TOPIC_OR_PARTITION while the broker propagates it.
 * `node -r @swc-node/register scripts/provision-topics.ts` (KAFKA_BROKERS, SCHEMA_REGISTRY_URL).
 */
import { KafkaPlatform, parseBrokers } from '@hubheap/kafka';
import { TOPICS } from '@hubheap/schemas';

const main = async (): Promise<void> => {
  const platform = new KafkaPlatform(
    {
      brokers: parseBrokers(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092'),
      clientId: 'provision-topics',
      registryUrl: process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    },
    { log: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) },
  );
  try {
    await platform.provision(TOPICS);
    console.log(`[provision] ${TOPICS.length} topics and their dead-letter topics exist`);
  } finally {
    await platform.close();
  }
};

main().catch((error: unknown) => {
  console.error(`[provision] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

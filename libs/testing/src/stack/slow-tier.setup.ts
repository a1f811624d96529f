// setupFilesAfterEnv of the integration and e2e tiers.
import { KafkaPlatform, parseBrokers } from '@hubheap/kafka';
import { TOPICS } from '@hubheap/schemas';
import { stackEndpoints } from './stack-env';

// Real brokers need more than jest's 5 s default. The deadline is a safety net only; tests wait on
// conditions (eventually()), never on fixed sleeps.
jest.setTimeout(Number(process.env['SLOW_TEST_TIMEOUT_MS'] ?? 120_000));

// Every catalogue topic (and its .dlq) exists with its schema before the first test, so tests on a
// fresh broker can read offsets of topics that the apps would otherwise create only when they boot.
// Once per process (the flag lives in process.env, which outlives jest's per-file module registry);
// here rather than in globalSetup because jest maps no @hubheap/* aliases there.
if (!process.env['HUBHEAP_TOPICS_PROVISIONED']) {
  beforeAll(async () => {
    const { kafkaBrokers, schemaRegistryUrl } = stackEndpoints();
    const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
    const platform = new KafkaPlatform(
      { brokers: parseBrokers(kafkaBrokers), clientId: 'test-provisioning', registryUrl: schemaRegistryUrl },
      quiet,
    );
    try {
      await platform.provision(TOPICS);
      process.env['HUBHEAP_TOPICS_PROVISIONED'] = 'true';
    } finally {
      await platform.close();
    }
  });
}

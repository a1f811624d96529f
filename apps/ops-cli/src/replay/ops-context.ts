import { KafkaPlatform, parseBrokers, type PlatformLogger } from '@hubheap/kafka';
import { COMMON_CONFIG, defineConfig, loadConfig } from '@hubheap/service';
import { CONSUMER_GROUPS, TOPICS, type ConsumerGroupContract } from '@hubheap/schemas';

/** The connection settings the ops commands read (same variables as the apps). */
export const OPS_CONFIG = defineConfig({
  kafkaBrokers: COMMON_CONFIG.kafkaBrokers,
  schemaRegistryUrl: COMMON_CONFIG.schemaRegistryUrl,
});

/** A line writer (stdout or stderr). */
export type LineWriter = (line: string) => void;

/**
 * What the replay and dlq commands need from the outside world. Tests inject their own platform
 * (left open), their unique groups and topics, and capture the output lines.
 */
export interface OpsDeps {
  /** A platform the command may use; when absent one is built from the environment and closed after. */
  platform?: KafkaPlatform;
  /** Consumer groups `replay --group` accepts (default: the catalogue's CONSUMER_GROUPS). */
  groups?: ReadonlyArray<ConsumerGroupContract>;
  /** Origin topics `dlq list` shows without `--topic` (default: every catalogue topic). */
  topics?: ReadonlyArray<string>;
  out?: LineWriter;
  err?: LineWriter;
}

/** OpsDeps with every default filled in. */
export interface OpsContext {
  groups: ReadonlyArray<ConsumerGroupContract>;
  topics: ReadonlyArray<string>;
  out: LineWriter;
  err: LineWriter;
  /** Runs `fn` with a platform, closing it afterwards when this context created it. */
  withPlatform<T>(fn: (platform: KafkaPlatform) => Promise<T>): Promise<T>;
}

const stderrLogger: PlatformLogger = {
  log: () => undefined,
  warn: (message) => process.stderr.write(`warn: ${message}\n`),
  error: (message) => process.stderr.write(`error: ${message}\n`),
};

/** Fills the defaults of `deps`: stdout/stderr writers, the catalogue, a platform from the environment. */
export const opsContext = (deps: OpsDeps = {}): OpsContext => ({
  groups: deps.groups ?? CONSUMER_GROUPS,
  topics: deps.topics ?? TOPICS.map((t) => t.name),
  out: deps.out ?? ((line) => process.stdout.write(`${line}\n`)),
  err: deps.err ?? ((line) => process.stderr.write(`${line}\n`)),
  async withPlatform(fn) {
    if (deps.platform) return fn(deps.platform);
    const config = loadConfig(OPS_CONFIG, process.env);
    const platform = new KafkaPlatform(
      {
        brokers: parseBrokers(config.kafkaBrokers),
        clientId: 'ops-cli',
        registryUrl: config.schemaRegistryUrl,
      },
      stderrLogger,
    );
    try {
      // Connect the admin once up front: KafkaPlatform.admin() is not safe to call concurrently before
      // its first connection completes, and the commands read several topics in parallel.
      await platform.admin();
      return await fn(platform);
    } finally {
      await platform.close();
    }
  },
});

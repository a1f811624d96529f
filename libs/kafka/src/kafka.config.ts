/** Where the Kafka brokers and the Confluent-compatible schema registry are. */
export interface KafkaConnectionConfig {
  /** `host:port` of one or more brokers, e.g. `['127.0.0.1:9092']`. */
  brokers: string[];
  /** kafkajs clientId; the app name by convention. */
  clientId: string;
  /** Base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7` for Apicurio. */
  registryUrl: string;
}

/** Reads a comma-separated broker list (`KAFKA_BROKERS`) into kafkajs form. */
export const parseBrokers = (list: string): string[] =>
  list
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);

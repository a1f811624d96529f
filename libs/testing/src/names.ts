import { randomBytes } from 'node:crypto';

/**
 * A name unique to this run for Kafka topics, consumer groups, etc.: `<prefix>-<base36 ms>-<8 hex chars>`.
 * Characters outside Kafka's `[a-zA-Z0-9._-]` in `prefix` are replaced by `-`.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-');
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

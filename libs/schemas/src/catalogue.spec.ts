import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'avsc';
import { CONSUMER_GROUPS, TOPICS, allTopicNames, deadLetterTopic, valueSubject } from './catalogue';

const releasedDir = join(__dirname, '..', 'released');

describe('topic catalogue', () => {
  it('names subjects with TopicNameStrategy and derives the dead-letter topic', () => {
    expect(valueSubject('hubspot.email-events.v1')).toBe('hubspot.email-events.v1-value');
    expect(deadLetterTopic('hubspot.email-events.v1')).toBe('hubspot.email-events.v1.dlq');
    expect(allTopicNames()).toEqual([
      'hubspot.webhook-events.v1',
      'hubspot.webhook-events.v1.dlq',
      'hubspot.email-events.v1',
      'hubspot.email-events.v1.dlq',
      'heap.track-events.v1',
      'heap.track-events.v1.dlq',
      'heap.segment-deltas.v1',
      'heap.segment-deltas.v1.dlq',
      'hubspot.contact-changes.v1',
      'hubspot.contact-changes.v1.dlq',
      'heap.user-identities.v1',
      'heap.user-identities.v1.dlq',
      'integration.settings.v1',
      'integration.settings.v1.dlq',
      'integration.status.v1',
      'integration.status.v1.dlq',
    ]);
  });

  it.each(TOPICS.map((t) => [t.name, t] as const))('%s has a valid Avro record schema', (_name, topic) => {
    expect(() => Type.forSchema(topic.valueSchema as never)).not.toThrow();
    expect(topic.valueSchema.type).toBe('record');
  });

  it('reads only catalogue topics in its consumer groups', () => {
    const names = new Set(TOPICS.map((t) => t.name));
    for (const group of CONSUMER_GROUPS) for (const t of group.topics) expect(names.has(t.name)).toBe(true);
  });

  it.each(readdirSync(releasedDir).filter((f) => f.endsWith('.avsc')))(
    '%s stays BACKWARD compatible with its released version',
    (file) => {
      const released = Type.forSchema(JSON.parse(readFileSync(join(releasedDir, file), 'utf8')));
      const topic = TOPICS.find((t) => `${t.name}.avsc` === file);
      expect(topic).toBeDefined();
      const current = Type.forSchema(topic!.valueSchema as never);
      // BACKWARD: the current (reader) schema resolves data written with the released (writer) schema.
      expect(() => current.createResolver(released)).not.toThrow();
    },
  );

  it('compacts the topics whose last record per key is the truth', () => {
    const compacted = TOPICS.filter((t) => t.config['cleanup.policy'] === 'compact').map((t) => t.name);
    expect(compacted).toEqual(['heap.user-identities.v1', 'integration.settings.v1']);
  });

  it('detects a BACKWARD-incompatible change (a new field without a default)', () => {
    const released = Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] });
    const broken = Type.forSchema({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'string' },
      ],
    });
    expect(() => broken.createResolver(released)).toThrow();
  });
});

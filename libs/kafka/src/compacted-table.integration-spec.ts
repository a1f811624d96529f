import { randomUUID } from 'node:crypto';
import { INTEGRATION_SETTINGS, type IntegrationSettings, type TopicContract } from '@hubheap/schemas';
import { CompactedTable, CompactedTableNotReadyError, KafkaPlatform, parseBrokers } from './index';

// libs/testing builds on this lib, so this spec wires its own platform (no import of libs/testing).
const brokers = parseBrokers(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const warnings: string[] = [];
const logger = { log: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };

// Real broker and registry; each test has its own compacted topic (a copy of the settings contract).
const contractFor = (): TopicContract<IntegrationSettings> => ({
  ...INTEGRATION_SETTINGS,
  name: `it.settings-${randomUUID().slice(0, 8)}`,
});
const settings = (portalId: number, version: number, sourceEnabled = true): IntegrationSettings => ({
  portalId,
  tenantId: `t-${portalId}`,
  heapAppId: `app-${portalId}`,
  state: 'active',
  sourceEnabled,
  emailProperty: 'identity',
  heapMatchProperty: 'email',
  hubspotMatchProperty: 'email',
  segments: [],
  version,
  updatedAt: 1_700_000_000_000 + version,
});

const waitFor = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('CompactedTable (real Kafka and registry)', () => {
  const platform = new KafkaPlatform({ brokers, clientId: 'compacted-table-it', registryUrl }, logger);
  const tables: CompactedTable<unknown>[] = [];

  afterAll(async () => {
    await Promise.all(tables.map((t) => t.close()));
    await platform.close();
  });

  const send = async (contract: TopicContract<IntegrationSettings>, values: IntegrationSettings[]) =>
    (await platform.producer()).send(
      contract,
      values.map((value) => ({ value })),
    );

  it('started after three versions of a key, sees only the latest; a later change fires the listener', async () => {
    const contract = contractFor();
    await platform.provision([contract]);
    await send(contract, [settings(1, 1), settings(1, 2), settings(2, 1), settings(1, 3, false)]);
    // A record that does not decode: skipped, key 2 keeps its last good value.
    await (await platform.producer()).sendRaw(contract.name, [{ key: '2', value: Buffer.from('garbage') }]);

    const table = await platform.table(contract);
    tables.push(table as CompactedTable<unknown>);
    await table.ready();

    expect(table.get('1')).toEqual(settings(1, 3, false));
    expect(table.get('2')).toEqual(settings(2, 1));
    expect(table.values()).toHaveLength(2);
    expect(table.decodeErrors).toBe(1);
    expect(warnings.some((w) => w.includes('keeping the last good value'))).toBe(true);

    const changes: Array<[string, number | undefined, number | undefined]> = [];
    table.onChange((key, value, previous) => changes.push([key, value?.version, previous?.version]));
    await send(contract, [settings(1, 4)]);
    await waitFor('the change', () => changes.length === 1);
    expect(changes).toEqual([['1', 4, 3]]);
    expect(table.get('1')?.sourceEnabled).toBe(true);

    // A tombstone deletes the key.
    await (await platform.producer()).sendRaw(contract.name, [{ key: '2', value: null }]);
    await waitFor('the tombstone', () => table.get('2') === undefined);
    expect(changes[1]).toEqual(['2', undefined, 1]);
  });

  it('an empty topic is ready at once; a table that cannot catch up in time says so', async () => {
    const empty = contractFor();
    await platform.provision([empty]);
    const emptyTable = await platform.table(empty);
    tables.push(emptyTable as CompactedTable<unknown>);
    await emptyTable.ready(1_000);
    expect(emptyTable.values()).toEqual([]);

    const full = contractFor();
    await platform.provision([full]);
    await send(full, [settings(3, 1)]);
    const slow = await platform.table(full);
    tables.push(slow as CompactedTable<unknown>);
    // Joining a group takes far longer than 1 ms, so the first ready() must time out.
    await expect(slow.ready(1)).rejects.toThrow(CompactedTableNotReadyError);
    await slow.ready();
    expect(slow.get('3')?.version).toBe(1);
  });
});

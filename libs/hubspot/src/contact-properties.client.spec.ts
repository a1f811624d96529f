import { HubSpotFake } from '@hubheap/testing';
import { ContactPropertiesClient } from './contact-properties.client';
import { HubSpotRequestError, HubSpotRetriableError } from './hubspot.errors';
import { type HubSpotCallGate, StaticTokenProvider } from './portal-access';

const PORTAL = 62515;
const TOKEN = 'pat-contact-properties-spec';

/** A gate that only counts: no waiting, no retries. */
const countingGate = () => {
  const portals: number[] = [];
  const gate: HubSpotCallGate = {
    run: (portalId, call) => {
      portals.push(portalId);
      return call();
    },
  };
  return { gate, portals };
};

describe('ContactPropertiesClient against the HubSpot fake (hubspot-api.md §3.2, §3.4)', () => {
  const fake = new HubSpotFake();
  let client: ContactPropertiesClient;
  let calls: number[];

  beforeAll(async () => {
    await fake.start();
    fake.addAccessToken(TOKEN, PORTAL);
    fake.seedContactProperties(PORTAL, [
      { name: 'email', label: 'Email', type: 'string', fieldType: 'text', options: [] },
      { name: 'score', label: 'Score', type: 'number', fieldType: 'number', options: [] },
    ]);
    fake.seedContacts(
      PORTAL,
      Array.from({ length: 150 }, (_, i) => ({
        id: String(5000 + i),
        properties: { email: `c${i}@example.com`, score: String(i) },
      })),
    );
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    const { gate, portals } = countingGate();
    calls = portals;
    client = new ContactPropertiesClient({
      tokens: new StaticTokenProvider(new Map([[PORTAL, TOKEN]])),
      gate,
      basePath: fake.baseUrl,
    });
    fake.clearRequests();
  });

  it('reads the property definitions through the gate', async () => {
    expect(await client.definitions(PORTAL)).toEqual([
      { name: 'email', label: 'Email', type: 'string', fieldType: 'text' },
      { name: 'score', label: 'Score', type: 'number', fieldType: 'number' },
    ]);
    expect(calls).toEqual([PORTAL]);
  });

  it('batch-reads in requests of ≤ 100 ids, each through the gate, and reports missing ids', async () => {
    const ids = [...Array.from({ length: 150 }, (_, i) => String(5000 + i)), '999999'];
    const result = await client.batchRead(PORTAL, ids, ['email', 'score']);
    expect(result.contacts).toHaveLength(150);
    expect(result.contacts.find((c) => c.id === '5007')?.properties).toMatchObject({
      email: 'c7@example.com',
      score: '7',
    });
    expect(result.missingIds).toEqual(['999999']);
    const reads = fake.requests().filter((r) => r.path === '/crm/v3/objects/contacts/batch/read');
    expect(reads.map((r) => (r.body as { inputs: unknown[] }).inputs.length)).toEqual([100, 51]);
    expect(calls).toEqual([PORTAL, PORTAL]);
  });

  it('throws classed errors: 429 retriable with its policyName, 400 a request error', async () => {
    fake.failNext(1, { status: 429, path: '/crm/v3/objects/contacts/batch/read' });
    await expect(client.batchRead(PORTAL, ['5000'], ['email'])).rejects.toMatchObject({
      constructor: HubSpotRetriableError,
      status: 429,
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    fake.failNext(1, { status: 400, path: '/crm/v3/properties/contacts' });
    await expect(client.definitions(PORTAL)).rejects.toBeInstanceOf(HubSpotRequestError);
  });

  it('throws the token provider error for a portal without a token, calling nothing', async () => {
    await expect(client.definitions(1)).rejects.toThrow('no HubSpot access token configured for portal 1');
    expect(fake.requests()).toEqual([]);
  });
});

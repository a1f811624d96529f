import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { HubSpotFake } from './hubspot.fake';

const PORTAL = 62515;
const TOKEN = 'sdk-token';

/** The real @hubspot/api-client against the fake: proves paths, success codes and content types. */
describe('HubSpotFake CRM with @hubspot/api-client', () => {
  const fake = new HubSpotFake();
  let hubspot: Client;

  beforeAll(async () => {
    const { baseUrl } = await fake.start();
    fake.addAccessToken(TOKEN, PORTAL);
    hubspot = new Client({ accessToken: TOKEN, basePath: baseUrl, numberOfApiCallRetries: 0 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.seedContacts(PORTAL, [
      { id: '5101', properties: { email: 'jane@example.com', firstname: 'Jane' } },
      { id: '5102', properties: { email: 'omar@example.com', firstname: 'Omar' } },
    ]);
  });

  it('batchApi.read by email: 200, and 207 with errors for a missing email', async () => {
    const all = await hubspot.crm.contacts.batchApi.read({
      idProperty: 'email',
      inputs: [{ id: 'JANE@example.com' }],
      properties: ['email', 'firstname'],
      propertiesWithHistory: [],
    });
    expect(all.results.map((r) => [r.id, r.properties['firstname']])).toEqual([['5101', 'Jane']]);
    expect(all.completedAt).toBeInstanceOf(Date);

    const partial = await hubspot.crm.contacts.batchApi.read({
      idProperty: 'email',
      inputs: [{ id: 'omar@example.com' }, { id: 'nobody@example.com' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(partial.results.map((r) => r.id)).toEqual(['5102']);
    expect('errors' in partial ? partial.errors?.[0]?.context : undefined).toEqual({
      ids: ['nobody@example.com'],
    });
  });

  it('basicApi.getById, searchApi.doSearch and properties coreApi.getAll', async () => {
    const one = await hubspot.crm.contacts.basicApi.getById('5102', ['email', 'firstname']);
    expect(one.properties['firstname']).toBe('Omar');
    const found = await hubspot.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: FilterOperatorEnum.Eq, value: 'Jane@Example.com' }] },
      ],
      sorts: ['-createdate'],
      properties: ['email'],
      limit: 100,
      after: '0',
    });
    expect(found.total).toBe(1);
    expect(found.results[0]?.id).toBe('5101');
    fake.seedContactProperties(PORTAL, [
      {
        name: 'email',
        label: 'Email',
        type: 'string',
        fieldType: 'text',
        groupName: 'contactinformation',
        options: [],
      },
    ]);
    const props = await hubspot.crm.properties.coreApi.getAll('contacts');
    expect(props.results.map((p) => p.name)).toEqual(['email']);
  });

  it('listsApi.create/getByName/doSearch and membershipsApi.add/remove/addAndRemove/getPage', async () => {
    const created = await hubspot.crm.lists.listsApi.create({
      name: 'Heap segment: Power users',
      objectTypeId: '0-1',
      processingType: 'MANUAL',
    });
    expect(created.list.listId).toBe('1');
    expect(created.list.createdAt).toBeInstanceOf(Date);

    const byName = await hubspot.crm.lists.listsApi.getByName('heap segment: power users', '0-1');
    expect(byName.list.listId).toBe(created.list.listId);
    await expect(hubspot.crm.lists.listsApi.getByName('nope', '0-1')).rejects.toMatchObject({ code: 404 });
    await expect(
      hubspot.crm.lists.listsApi.create({
        name: 'HEAP SEGMENT: POWER USERS',
        objectTypeId: '0-1',
        processingType: 'MANUAL',
      }),
    ).rejects.toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR' } });

    const added = await hubspot.crm.lists.membershipsApi.add(created.list.listId, ['5101', '5102', '999']);
    expect(added).toEqual({
      recordIdsMissing: ['999'],
      recordIdsRemoved: [],
      recordsIdsAdded: ['5101', '5102'],
    });
    const removed = await hubspot.crm.lists.membershipsApi.remove(created.list.listId, ['5102']);
    expect(removed.recordIdsRemoved).toEqual(['5102']);
    await hubspot.crm.lists.membershipsApi.addAndRemove(created.list.listId, {
      recordIdsToAdd: ['5102'],
      recordIdsToRemove: [],
    });

    const page = await hubspot.crm.lists.membershipsApi.getPage(created.list.listId, undefined, undefined, 1);
    expect(page.results.map((r) => r.recordId)).toEqual(['5101']);
    expect(page.results[0]?.membershipTimestamp).toBeInstanceOf(Date);
    expect(page.total).toBe(2);
    const next = await hubspot.crm.lists.membershipsApi.getPage(
      created.list.listId,
      page.paging?.next?.after,
      undefined,
      250,
    );
    expect(next.results.map((r) => r.recordId)).toEqual(['5102']);
    expect(next.paging).toBeUndefined();

    const search = await hubspot.crm.lists.listsApi.doSearch({
      query: 'Heap',
      processingTypes: ['MANUAL'],
      offset: 0,
      additionalProperties: [],
    });
    expect(search.lists.map((l) => [l.name, l.additionalProperties['hs_list_size']])).toEqual([
      ['Heap segment: Power users', '2'],
    ]);
    const renamed = await hubspot.crm.lists.listsApi.updateName(created.list.listId, 'Renamed');
    expect(renamed.updatedList?.name).toBe('Renamed');
    await hubspot.crm.lists.listsApi.remove(created.list.listId);
    expect(fake.lists(PORTAL)).toEqual([]);
  });
});

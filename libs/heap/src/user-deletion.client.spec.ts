import { HeapFake } from '@hubheap/testing';
import { HeapRejectedError, HeapRetriableError } from './heap.errors';
import { HeapUserDeletionClient } from './user-deletion.client';

describe('HeapUserDeletionClient against the Heap fake (heap-api.md §7)', () => {
  let clock = 1_700_000_000_000;
  const fake = new HeapFake({
    appIds: ['11'],
    now: () => clock,
    privacyApiKeys: { '11': 'secret-key' },
    deletionCompleteAfterMs: 60_000,
  });
  const credentials = { appId: '11', apiKey: 'secret-key' };
  const client = () =>
    new HeapUserDeletionClient({ baseUrl: fake.baseUrl, now: () => clock, timeoutMs: 2_000 });

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('requests a deletion (201 pending), removes the user, then reads pending → complete', async () => {
    const ingest = await fetch(`${fake.baseUrl}/api/add_user_properties`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: '11', identity: 'jane@example.com', properties: { plan: 'pro' } }),
    });
    expect(ingest.status).toBe(200);
    const heap = client();
    const request = await heap.requestDeletion(credentials, ['jane@example.com']);
    expect(request).toEqual({ deletionRequestId: expect.any(String), status: 'pending' });
    expect(fake.users('11')).toEqual([]);
    expect(fake.deletionRequests()).toMatchObject([
      { appId: '11', users: [{ identity: 'jane@example.com' }] },
    ]);
    expect(await heap.deletionStatus(credentials, request.deletionRequestId)).toEqual(request);
    clock += 60_000;
    expect(await heap.deletionStatus(credentials, request.deletionRequestId)).toEqual({
      ...request,
      status: 'complete',
    });
  });

  it('reuses the bearer token, and fetches a new one after it expired', async () => {
    const heap = client();
    await heap.requestDeletion(credentials, ['a@example.com']);
    await heap.requestDeletion(credentials, ['b@example.com']);
    const tokenCalls = () => fake.requests().filter((r) => r.path === '/api/public/v0/auth_token').length;
    expect(tokenCalls()).toBe(1);
    clock += 6 * 60_000;
    await heap.requestDeletion(credentials, ['c@example.com']);
    expect(tokenCalls()).toBe(2);
  });

  it('answers undefined for an unknown deletion id (404)', async () => {
    expect(await client().deletionStatus(credentials, 'no-such-id')).toBeUndefined();
  });

  it('rejects a wrong API key for good (401 → HeapRejectedError)', async () => {
    await expect(client().requestDeletion({ appId: '11', apiKey: 'wrong' }, ['x'])).rejects.toBeInstanceOf(
      HeapRejectedError,
    );
  });

  it.each([429, 503])('classes %i as retriable', async (status) => {
    fake.failNext(1, { status, path: '/api/public/v0/user_deletion' });
    await expect(client().requestDeletion(credentials, ['x'])).rejects.toBeInstanceOf(HeapRetriableError);
  });

  it('refuses 0 or more than 10,000 identities before sending', async () => {
    await expect(client().requestDeletion(credentials, [])).rejects.toThrow(RangeError);
    expect(fake.requests()).toEqual([]);
  });
});

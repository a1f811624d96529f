import { HeapFake } from './heap.fake';

// The privacy routes of the Heap fake, spoken to over raw HTTP (heap-api.md §7, §12 items 16–18).
describe('HeapFake privacy API', () => {
  let clock = 1_700_000_000_000;
  const fake = new HeapFake({ appIds: ['11', '22'], now: () => clock, privacyApiKeys: { '11': 'k11' } });
  const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;
  const call = async (method: string, path: string, authorization?: string, body?: unknown) => {
    const res = await fetch(`${fake.baseUrl}${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const token = async (): Promise<string> =>
    (await call('POST', '/api/public/v0/auth_token', basic('11', 'k11'))).body['access_token'] as string;

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it.each([
    ['no credentials', undefined],
    ['a wrong key', basic('11', 'nope')],
    ['an app_id without a key', basic('22', 'k11')],
  ])('auth_token answers 401 with an err object for %s', async (_name, authorization) => {
    expect(await call('POST', '/api/public/v0/auth_token', authorization)).toEqual({
      status: 401,
      body: { err: { message: 'Unauthorized' } },
    });
  });

  it('tokens expire after 5 minutes', async () => {
    const bearer = `Bearer ${await token()}`;
    const users = { users: [{ identity: 'a' }] };
    expect((await call('POST', '/api/public/v0/user_deletion', bearer, users)).status).toBe(201);
    clock += 5 * 60_000;
    expect((await call('POST', '/api/public/v0/user_deletion', bearer, users)).status).toBe(401);
  });

  it.each([
    ['no users', {}],
    ['an empty list', { users: [] }],
    ['both user_id and identity', { users: [{ identity: 'a', user_id: '1' }] }],
    ['neither', { users: [{}] }],
  ])('user_deletion answers 400 for %s', async (_name, body) => {
    expect((await call('POST', '/api/public/v0/user_deletion', `Bearer ${await token()}`, body)).status).toBe(
      400,
    );
  });

  it('deletion_status is 404 for an unknown id and needs a bearer token', async () => {
    expect((await call('GET', '/api/public/v0/deletion_status/nope', `Bearer ${await token()}`)).status).toBe(
      404,
    );
    expect((await call('GET', '/api/public/v0/deletion_status/nope')).status).toBe(401);
  });
});

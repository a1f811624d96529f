import { HubSpotFake } from './hubspot.fake';

const PORTAL = 70_001;
const REDIRECT = 'http://localhost:3006/oauth/hubspot/callback';

describe('HubSpotFake OAuth endpoints (hubspot-api.md §5.1)', () => {
  let clock = 1_700_000_000_000;
  const fake = new HubSpotFake({ now: () => clock });
  let baseUrl: string;

  const token = async (form: Record<string, string>) => {
    const res = await fetch(`${baseUrl}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const contacts = (accessToken: string) =>
    fetch(`${baseUrl}/crm/v3/objects/contacts`, { headers: { Authorization: `Bearer ${accessToken}` } });

  beforeAll(async () => {
    ({ baseUrl } = await fake.start());
    fake.oauth.configure({ clientId: 'cid', clientSecret: 'csecret', accessTokenTtlSeconds: 1800 });
  });
  afterAll(() => fake.stop());

  it('authorize redirects with a code and the state; the code exchanges once for working tokens', async () => {
    const url = `${baseUrl}/oauth/${PORTAL}/authorize?client_id=cid&scope=oauth%20crm.lists.read&state=s1&redirect_uri=${encodeURIComponent(REDIRECT)}`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code') ?? '';
    const form = {
      grant_type: 'authorization_code',
      client_id: 'cid',
      client_secret: 'csecret',
      redirect_uri: REDIRECT,
      code,
    };
    const first = await token(form);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
    expect((await contacts(String(first.body['access_token']))).status).toBe(200);
    expect((await token(form)).body['status']).toBe('BAD_AUTH_CODE');

    const info = await fetch(`${baseUrl}/oauth/v1/access-tokens/${String(first.body['access_token'])}`);
    expect(await info.json()).toMatchObject({ hub_id: PORTAL, scopes: ['oauth', 'crm.lists.read'] });
  });

  it('access tokens expire on the clock (401 EXPIRED_AUTHENTICATION); a refresh gives a new one; deleted refresh tokens fail', async () => {
    const code = fake.oauth.issueCode(PORTAL, REDIRECT);
    const issued = await token({
      grant_type: 'authorization_code',
      client_id: 'cid',
      client_secret: 'csecret',
      redirect_uri: REDIRECT,
      code,
    });
    const refreshToken = String(issued.body['refresh_token']);
    clock += 1_800_000;
    const expired = await contacts(String(issued.body['access_token']));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Record<string, unknown>)['category']).toBe('EXPIRED_AUTHENTICATION');

    const refreshed = await token({
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'csecret',
      refresh_token: refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['access_token']).not.toBe(issued.body['access_token']);
    expect((await contacts(String(refreshed.body['access_token']))).status).toBe(200);

    const del = await fetch(`${baseUrl}/oauth/v1/refresh-tokens/${refreshToken}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const again = await token({
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'csecret',
      refresh_token: refreshToken,
    });
    expect(again).toMatchObject({ status: 400, body: { status: 'BAD_REFRESH_TOKEN' } });
  });

  it('rejects a wrong client secret and a mismatched redirect_uri', async () => {
    const code = fake.oauth.issueCode(PORTAL, REDIRECT);
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          client_id: 'cid',
          client_secret: 'nope',
          redirect_uri: REDIRECT,
          code,
        })
      ).body['status'],
    ).toBe('BAD_CLIENT_SECRET');
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          client_id: 'cid',
          client_secret: 'csecret',
          redirect_uri: 'http://other/cb',
          code,
        })
      ).body['status'],
    ).toBe('BAD_REDIRECT_URI');
  });
});

import { HubSpotFake } from '@hubheap/testing';
import {
  HubSpotOAuthClient,
  HubSpotOAuthError,
  HubSpotOAuthUnavailableError,
  passThroughGate,
} from './hubspot-oauth.client';

const PORTAL = 90_001;
const REDIRECT = 'http://localhost:3006/oauth/hubspot/callback';

describe('HubSpotOAuthClient against the HubSpot fake (hubspot-api.md §5.1)', () => {
  const fake = new HubSpotFake();
  let client: HubSpotOAuthClient;
  const gated: number[] = [];

  beforeAll(async () => {
    const { baseUrl } = await fake.start();
    fake.oauth.configure({ clientId: 'cid', clientSecret: 'csecret' });
    client = new HubSpotOAuthClient(
      { apiBase: baseUrl, clientId: 'cid', clientSecret: 'csecret', redirectUri: REDIRECT, timeoutMs: 500 },
      { run: (portalId, call) => (gated.push(portalId), passThroughGate.run(portalId, call)) },
    );
  });
  afterAll(() => fake.stop());

  it('exchanges a code, reads the token metadata, refreshes and deletes the refresh token; every call is gated', async () => {
    const tokens = await client.exchangeCode(
      PORTAL,
      fake.oauth.issueCode(PORTAL, REDIRECT, ['oauth', 'content']),
    );
    expect(tokens).toMatchObject({ expiresIn: 1800 });
    expect(await client.accessTokenInfo(PORTAL, tokens.accessToken)).toEqual({
      hubId: PORTAL,
      scopes: ['oauth', 'content'],
    });
    const refreshed = await client.refresh(PORTAL, tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    await client.deleteRefreshToken(PORTAL, tokens.refreshToken);
    await client.deleteRefreshToken(PORTAL, tokens.refreshToken); // already gone: fine
    expect(gated).toEqual([PORTAL, PORTAL, PORTAL, PORTAL, PORTAL]);
  });

  it('a refused grant is a HubSpotOAuthError with HubSpot’s code and without the token', async () => {
    const error = await client.refresh(PORTAL, 'secret-refresh-token-123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotOAuthError);
    expect(error).toMatchObject({ httpStatus: 400, code: 'BAD_REFRESH_TOKEN' });
    expect(String((error as Error).message)).not.toContain('secret-refresh-token-123');
    await expect(client.exchangeCode(PORTAL, 'nope')).rejects.toMatchObject({ code: 'BAD_AUTH_CODE' });
  });

  it('5xx, 429 and timeouts are HubSpotOAuthUnavailableError (retriable), without the token in the message', async () => {
    fake.failNext(1, { status: 503 });
    await expect(client.refresh(PORTAL, 'x')).rejects.toBeInstanceOf(HubSpotOAuthUnavailableError);
    fake.failNext(1, { status: 429 });
    await expect(client.refresh(PORTAL, 'x')).rejects.toMatchObject({ retriable: true });
    fake.failNext(1, { delayMs: 2_000 });
    const slow = await client.accessTokenInfo(PORTAL, 'secret-access-token-456').catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(HubSpotOAuthUnavailableError);
    expect(String((slow as Error).message)).not.toContain('secret-access-token-456');
  });
});

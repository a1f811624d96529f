import { ConfigError, loadConfig } from '@hubheap/service';
import { StaticTokenProvider } from './portal-access';
import { ControlApiTokenProvider } from './token-provider';
import {
  assertTokenSourceConfig,
  HUBSPOT_TOKEN_SOURCE_CONFIG,
  tokenProviderFromConfig,
} from './token-source.config';

const SECRET = 'internal-key-do-not-print';

describe('HUBSPOT_TOKEN_SOURCE', () => {
  it('defaults to config', () => {
    expect(loadConfig(HUBSPOT_TOKEN_SOURCE_CONFIG, {})).toEqual({
      hubspotTokenSource: 'config',
      controlApiUrl: undefined,
      internalApiKey: undefined,
    });
  });

  it('rejects an unknown source and a CONTROL_API_URL that is not a URL', () => {
    expect(() => loadConfig(HUBSPOT_TOKEN_SOURCE_CONFIG, { HUBSPOT_TOKEN_SOURCE: 'vault' })).toThrow(
      /HUBSPOT_TOKEN_SOURCE/,
    );
    expect(() => loadConfig(HUBSPOT_TOKEN_SOURCE_CONFIG, { CONTROL_API_URL: 'control-api' })).toThrow(
      /CONTROL_API_URL/,
    );
  });

  it('config: the HUBSPOT_PORTALS tokens', async () => {
    const provider = tokenProviderFromConfig({
      ...loadConfig(HUBSPOT_TOKEN_SOURCE_CONFIG, {}),
      hubspotPortals: [{ portalId: 7, accessToken: 'pat-7' }],
    });
    expect(provider).toBeInstanceOf(StaticTokenProvider);
    await expect(provider.accessToken(7)).resolves.toBe('pat-7');
    await expect(provider.accessToken(8)).rejects.toThrow(/portal 8/);
  });

  it('control-api: asks control-api with the internal key', async () => {
    const calls: Array<{ url: string; auth: string | null }> = [];
    const fetchMock = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      calls.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
      return new Response(JSON.stringify({ accessToken: 'oauth-7', expiresAt: null }), { status: 200 });
    });
    try {
      const config = loadConfig(HUBSPOT_TOKEN_SOURCE_CONFIG, {
        HUBSPOT_TOKEN_SOURCE: 'control-api',
        CONTROL_API_URL: 'http://control-api:3006/',
        INTERNAL_API_KEY: SECRET,
      });
      const provider = tokenProviderFromConfig({ ...config, hubspotPortals: [] });
      expect(provider).toBeInstanceOf(ControlApiTokenProvider);
      await expect(provider.accessToken(7)).resolves.toBe('oauth-7');
      expect(calls).toEqual([
        { url: 'http://control-api:3006/internal/portals/7/hubspot-token', auth: `Bearer ${SECRET}` },
      ]);
    } finally {
      fetchMock.mockRestore();
    }
  });

  it.each([
    [{}, ['CONTROL_API_URL', 'INTERNAL_API_KEY']],
    [{ CONTROL_API_URL: 'http://control-api:3006' }, ['INTERNAL_API_KEY']],
    [{ INTERNAL_API_KEY: SECRET }, ['CONTROL_API_URL']],
  ])('control-api without %j: a ConfigError naming %j', (vars, missing) => {
    const config = loadConfig(HUBSPOT_TOKEN_SOURCE_CONFIG, { HUBSPOT_TOKEN_SOURCE: 'control-api', ...vars });
    let error: unknown;
    try {
      assertTokenSourceConfig(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(missing);
    expect((error as Error).message).not.toContain(SECRET);
  });
});

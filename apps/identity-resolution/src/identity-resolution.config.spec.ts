import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvExample } from '@hubheap/testing';
import { ConfigError } from '@hubheap/service';
import { IDENTITY_RESOLUTION_CONFIG, loadIdentityResolutionConfig } from './identity-resolution.config';
import { parseTenants } from './tenants.config';

describe('identity-resolution configuration', () => {
  const example = readEnvExample(join(__dirname, '..'));

  it('.env.example lists exactly the variables of the config spec', () => {
    const declared = Object.values(IDENTITY_RESOLUTION_CONFIG)
      .map((v) => v.env)
      .sort();
    expect(Object.keys(example).sort()).toEqual(declared);
  });

  it('README.md documents exactly these variables, each with its description', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    // Config table rows: `| \`NAME\` | default | meaning |`, whatever the cell padding.
    const rows = readme
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => /^`[A-Z_]+`$/.test(cells[1] ?? ''))
      .map((cells) => ({ name: cells[1]!.slice(1, -1), meaning: cells[3] ?? '' }));
    const variables = Object.values(IDENTITY_RESOLUTION_CONFIG);
    expect(rows.map((r) => r.name).sort()).toEqual(variables.map((v) => v.env).sort());
    for (const v of variables) expect(rows.find((r) => r.name === v.env)?.meaning).toBe(v.description);
  });

  it('.env.example shows each default and loads as it is', () => {
    expect(loadIdentityResolutionConfig(example)).toEqual(loadIdentityResolutionConfig({}));
  });

  it('defaults to group identity-resolution.email-events, port 3002, no tenants, no default app_id, filtered events off', () => {
    expect(loadIdentityResolutionConfig({})).toMatchObject({
      consumerGroup: 'identity-resolution.email-events',
      port: 3002,
      tenants: [],
      includeFilteredEvents: false,
    });
    expect(loadIdentityResolutionConfig({}).defaultHeapAppId).toBeUndefined();
  });

  it('reads TENANTS, DEFAULT_HEAP_APP_ID and INCLUDE_FILTERED_EVENTS', () => {
    const config = loadIdentityResolutionConfig({
      TENANTS:
        '[{"portalId":62515,"heapAppId":"1234567890","emailProperty":"identity"},{"portalId":8727216,"heapAppId":"42"}]',
      DEFAULT_HEAP_APP_ID: '11',
      INCLUDE_FILTERED_EVENTS: 'true',
    });
    expect(config).toMatchObject({
      tenants: [
        { portalId: 62515, heapAppId: '1234567890', emailProperty: 'identity' },
        { portalId: 8727216, heapAppId: '42', emailProperty: 'identity' },
      ],
      defaultHeapAppId: '11',
      includeFilteredEvents: true,
    });
  });

  it('accepts a custom Heap user property as emailProperty and an optional HubSpot token per tenant', () => {
    const config = loadIdentityResolutionConfig({
      TENANTS:
        '[{"portalId":62515,"heapAppId":"1","emailProperty":"work_email","hubspotAccessToken":"pat-1"},{"portalId":2,"heapAppId":"2"}]',
    });
    expect(config.tenants).toEqual([
      { portalId: 62515, heapAppId: '1', emailProperty: 'work_email', hubspotAccessToken: 'pat-1' },
      { portalId: 2, heapAppId: '2', emailProperty: 'identity' },
    ]);
    const bad = () =>
      loadIdentityResolutionConfig({
        TENANTS: '[{"portalId":1,"heapAppId":"","hubspotAccessToken":"pat-secret"}]',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).not.toThrow(/pat-secret/);
  });

  it('reads HUBSPOT_PORTALS and never shows a token in a configuration error', () => {
    expect(
      loadIdentityResolutionConfig({ HUBSPOT_PORTALS: '[{"portalId":1,"accessToken":"pat-1"}]' })
        .hubspotPortals,
    ).toEqual([{ portalId: 1, accessToken: 'pat-1' }]);
    const load = () =>
      loadIdentityResolutionConfig({ HUBSPOT_PORTALS: '[{"portalId":"x","accessToken":"pat-secret"}]' });
    expect(load).toThrow(ConfigError);
    expect(load).not.toThrow(/pat-secret/);
  });

  it('refuses HUBSPOT_TOKEN_SOURCE=control-api without CONTROL_API_URL', () => {
    expect(() => loadIdentityResolutionConfig({ HUBSPOT_TOKEN_SOURCE: 'control-api' })).toThrow(
      /CONTROL_API_URL/,
    );
  });
});

describe('parseTenants', () => {
  it.each([
    ['not JSON', '[{portalId:1}]', /not valid JSON/],
    ['not an array', '{"portalId":1}', /must be a JSON array/],
    [
      'portalId as a string',
      '[{"portalId":"62515","heapAppId":"1"}]',
      /TENANTS\[0\]\.portalId: Expected number/,
    ],
    ['empty heapAppId', '[{"portalId":1,"heapAppId":" "}]', /TENANTS\[0\]\.heapAppId/],
    ['a misspelt key', '[{"portalId":1,"heapAppId":"1","emailProp":"identity"}]', /Unrecognized key/],
    ['a blank emailProperty', '[{"portalId":1,"heapAppId":"1","emailProperty":" "}]', /emailProperty/],
    [
      'a portal twice',
      '[{"portalId":1,"heapAppId":"1"},{"portalId":1,"heapAppId":"2"}]',
      /TENANTS\[1\] \(portal 1\): portal 1 is listed twice/,
    ],
  ])('reports %s', (_name, text, problem) => {
    const result = parseTenants(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toMatch(problem);
  });
});

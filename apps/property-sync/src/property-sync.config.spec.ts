import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvExample } from '@hubheap/testing';
import { ConfigError } from '@hubheap/service';
import { ALL_CONFIG_SPECS, loadPropertySyncConfig, PROPERTY_SYNC_CONFIG } from './property-sync.config';

const appDir = join(__dirname, '..');

const declared = ALL_CONFIG_SPECS.flatMap((spec) => Object.values(spec).map((v) => v.env));

describe('property-sync configuration', () => {
  const example = readEnvExample(appDir);

  it('.env.example lists exactly the variables of the config specs', () => {
    expect(Object.keys(example).sort()).toEqual([...declared].sort());
  });

  it('.env.example shows the defaults: loading it equals loading nothing', () => {
    expect(loadPropertySyncConfig(example)).toEqual(loadPropertySyncConfig({}));
  });

  it('README.md documents exactly the app variables, each with its description', () => {
    const readme = readFileSync(join(appDir, 'README.md'), 'utf8');
    const rows = readme
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => /^`[A-Z_]+`$/.test(cells[1] ?? ''))
      .map((cells) => ({ name: cells[1]!.slice(1, -1), meaning: cells[3] ?? '' }));
    const variables = Object.values(PROPERTY_SYNC_CONFIG);
    expect(rows.map((r) => r.name).sort()).toEqual(variables.map((v) => v.env).sort());
    for (const v of variables) expect(rows.find((r) => r.name === v.env)?.meaning).toBe(v.description);
  });

  it('reads HUBSPOT_PORTALS and HEAP_PRIVACY_KEYS', () => {
    const config = loadPropertySyncConfig({
      HUBSPOT_PORTALS: '[{"portalId":62515,"accessToken":"pat-1"}]',
      HEAP_PRIVACY_KEYS: '[{"appId":"11","apiKey":"k"}]',
    });
    expect(config.hubspotPortals).toEqual([{ portalId: 62515, accessToken: 'pat-1' }]);
    expect(config.heapPrivacyKeys).toEqual([{ appId: '11', apiKey: 'k' }]);
    expect(config.consumerGroup).toBe('property-sync.contact-changes');
  });

  it('HEAP_CREDENTIALS_SOURCE defaults to config; control-api needs CONTROL_API_URL and INTERNAL_API_KEY', () => {
    expect(loadPropertySyncConfig({}).heapCredentialsSource).toBe('config');
    expect(() => loadPropertySyncConfig({ HEAP_CREDENTIALS_SOURCE: 'control-api' })).toThrow(
      /CONTROL_API_URL: required with HEAP_CREDENTIALS_SOURCE=control-api[\s\S]*INTERNAL_API_KEY/,
    );
    const config = loadPropertySyncConfig({
      HEAP_CREDENTIALS_SOURCE: 'control-api',
      CONTROL_API_URL: 'http://127.0.0.1:3006',
      INTERNAL_API_KEY: 'k',
    });
    expect(config.heapCredentialsSource).toBe('control-api');
  });

  it.each([
    [{ HUBSPOT_PORTALS: 'nope' }, 'HUBSPOT_PORTALS'],
    [
      { HUBSPOT_PORTALS: '[{"portalId":1,"accessToken":"secret-a"},{"portalId":1,"accessToken":"b"}]' },
      'HUBSPOT_PORTALS',
    ],
    [{ HEAP_PRIVACY_KEYS: '[{"appId":"1"}]' }, 'HEAP_PRIVACY_KEYS'],
    [{ MAX_BATCH_SIZE: '0' }, 'MAX_BATCH_SIZE'],
  ])('rejects %j naming the variable, never echoing a secret', (source, name) => {
    expect(() => loadPropertySyncConfig(source)).toThrow(ConfigError);
    expect(() => loadPropertySyncConfig(source)).toThrow(name);
    expect(() => loadPropertySyncConfig(source)).not.toThrow(/secret-a/);
  });
});

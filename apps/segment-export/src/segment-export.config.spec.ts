import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvExample } from '@hubheap/testing';
import { ConfigError } from '@hubheap/service';
import { ALL_CONFIG_SPECS, loadSegmentExportConfig } from './segment-export.config';

const appDir = join(__dirname, '..');

const declared = ALL_CONFIG_SPECS.flatMap((spec) => Object.values(spec).map((v) => v.env));

describe('segment-export configuration', () => {
  const example = readEnvExample(appDir);

  it('.env.example lists exactly the variables of the config specs', () => {
    expect(Object.keys(example).sort()).toEqual([...declared].sort());
  });

  it('.env.example shows the defaults: loading it equals loading nothing', () => {
    expect(loadSegmentExportConfig(example)).toEqual(loadSegmentExportConfig({}));
  });

  it('README documents every variable', () => {
    const readme = readFileSync(join(appDir, 'README.md'), 'utf8');
    for (const name of declared) expect(readme).toContain(`\`${name}\``);
  });

  it('defaults: port 3005, group segment-export.segment-deltas, email match key, 4 h interval, 1 min tick', () => {
    expect(loadSegmentExportConfig({})).toMatchObject({
      port: 3005,
      consumerGroup: 'segment-export.segment-deltas',
      hubspotIdProperty: 'email',
      hubspotPortals: [],
      membershipChunkSize: 500,
      syncIntervalMs: 14_400_000,
      schedulerTickMs: 60_000,
    });
  });

  it.each([
    [{ HUBSPOT_PORTALS: 'nope' }, 'HUBSPOT_PORTALS'],
    [
      { HUBSPOT_PORTALS: '[{"portalId":1,"accessToken":"a"},{"portalId":1,"accessToken":"b"}]' },
      'HUBSPOT_PORTALS',
    ],
    [{ MEMBERSHIP_CHUNK_SIZE: '501' }, 'MEMBERSHIP_CHUNK_SIZE'],
    [{ HUBSPOT_RATE_WINDOW_MS: '0' }, 'HUBSPOT_RATE_WINDOW_MS'],
    [{ SYNC_INTERVAL_MS: '0' }, 'SYNC_INTERVAL_MS'],
  ])('rejects %j naming the variable', (source, name) => {
    expect(() => loadSegmentExportConfig(source)).toThrow(ConfigError);
    expect(() => loadSegmentExportConfig(source)).toThrow(name);
  });

  it('never echoes a token in its error', () => {
    const source = { HUBSPOT_PORTALS: '[{"portalId":-1,"accessToken":"pat-secret-123"}]' };
    expect(() => loadSegmentExportConfig(source)).toThrow(/^(?![\s\S]*pat-secret-123)/);
  });
});

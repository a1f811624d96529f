import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvExample } from '@hubheap/testing';
import { ConfigError, type ConfigVariable } from '@hubheap/service';
import { ALL_CONFIG_SPECS, CONTROL_API_CONFIG, loadControlApiConfig } from './control-api.config';

const appDir = join(__dirname, '..');

const declared = ALL_CONFIG_SPECS.flatMap((spec) => Object.values(spec).map((v) => v.env));

describe('control-api configuration', () => {
  const example = readEnvExample(appDir);

  it('.env.example lists exactly the variables of the config specs', () => {
    expect(Object.keys(example).sort()).toEqual([...declared].sort());
  });

  it('.env.example shows the defaults and no secret value', () => {
    expect(loadControlApiConfig(example)).toEqual(loadControlApiConfig({}));
    for (const variable of (Object.values(CONTROL_API_CONFIG) as ConfigVariable[]).filter(
      (v) => v.sensitive,
    )) {
      expect(example[variable.env]).toBe('');
    }
  });

  it('README documents every variable', () => {
    const readme = readFileSync(join(appDir, 'README.md'), 'utf8');
    for (const name of declared) expect(readme).toContain(`\`${name}\``);
  });

  it('defaults: port 3006, group control-api.status, 5 min refresh margin, scopes of §5.2', () => {
    expect(loadControlApiConfig({})).toMatchObject({
      port: 3006,
      consumerGroup: 'control-api.status',
      tokenRefreshMarginMs: 300_000,
      hubspotScopes: expect.stringContaining('crm.lists.write'),
      segmentExportUrl: 'http://127.0.0.1:3005',
    });
  });

  it.each([
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ TOKEN_REFRESH_MARGIN_MS: '0' }, 'TOKEN_REFRESH_MARGIN_MS'],
    [{ SEGMENT_EXPORT_TIMEOUT_MS: '-1' }, 'SEGMENT_EXPORT_TIMEOUT_MS'],
  ])('rejects %j naming the variable', (source, name) => {
    expect(() => loadControlApiConfig(source)).toThrow(ConfigError);
    expect(() => loadControlApiConfig(source)).toThrow(name);
  });
});

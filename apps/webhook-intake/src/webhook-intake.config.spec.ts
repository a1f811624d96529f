import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_CONFIG, ConfigError, loadConfig } from '@hubheap/service';
import { ALL_CONFIG_SPECS, loadIntakeConfig, WEBHOOK_INTAKE_CONFIG } from './webhook-intake.config';

const appDir = join(__dirname, '..');

/** `NAME=value` lines of .env.example; `# NAME=value` lines are documented variables without a default. */
const readEnvExample = () => {
  const lines = readFileSync(join(appDir, '.env.example'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  const assignment = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/;
  const active: Record<string, string> = {};
  const commented: string[] = [];
  for (const line of lines) {
    const m = assignment.exec(line);
    if (!m) continue;
    if (m[1]) commented.push(m[2]!);
    else active[m[2]!] = m[3]!;
  }
  return { active, commented };
};

const declared = ALL_CONFIG_SPECS.flatMap((spec) => Object.values(spec).map((v) => v.env));

describe('webhook-intake configuration', () => {
  const { active, commented } = readEnvExample();

  it('.env.example lists every variable of the config specs exactly once, and nothing else', () => {
    const listed = [...Object.keys(active), ...commented];
    expect([...listed].sort()).toEqual([...declared].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('.env.example shows the defaults: loading it equals loading nothing', () => {
    expect(loadIntakeConfig(active)).toEqual(loadIntakeConfig({}));
    expect(loadConfig(COMMON_CONFIG, active)).toEqual(loadConfig(COMMON_CONFIG, {}));
  });

  it('variables without a default are the commented ones', () => {
    const withoutDefault = Object.values(WEBHOOK_INTAKE_CONFIG)
      .filter((v) => v.schema.safeParse(undefined).data === undefined)
      .map((v) => v.env);
    expect(withoutDefault.sort()).toEqual([...commented].sort());
  });

  it('README documents every variable', () => {
    const readme = readFileSync(join(appDir, 'README.md'), 'utf8');
    for (const name of declared) expect(readme).toContain(`\`${name}\``);
  });

  it('defaults: port 3001, 1 MiB bodies, poller off, 60 s interval, 1 h lookback, pages of 1000', () => {
    expect(loadIntakeConfig({})).toMatchObject({
      port: 3001,
      webhookMaxBodyBytes: 1_048_576,
      hubspotBaseUrl: 'https://api.hubapi.com',
      hubspotPortals: [],
      pollIntervalMs: 60_000,
      pollLookbackMs: 3_600_000,
      pollPageLimit: 1000,
      pollInitialStart: undefined,
      hubspotClientSecret: undefined,
      webhookPublicUrl: undefined,
      webhookAllowV1: false,
    });
  });

  it('parses HUBSPOT_PORTALS and POLL_INITIAL_START (ISO or ms)', () => {
    const config = loadIntakeConfig({
      HUBSPOT_PORTALS: '[{"portalId":62515,"accessToken":"pat-na1-x"}]',
      POLL_INITIAL_START: '2024-01-01T00:00:00Z',
    });
    expect(config.hubspotPortals).toEqual([{ portalId: 62515, accessToken: 'pat-na1-x' }]);
    expect(config.pollInitialStart).toBe(Date.UTC(2024, 0, 1));
    expect(loadIntakeConfig({ POLL_INITIAL_START: '1700000000000' }).pollInitialStart).toBe(
      1_700_000_000_000,
    );
  });

  it.each([
    [{ HUBSPOT_PORTALS: 'not json' }, 'HUBSPOT_PORTALS'],
    [{ HUBSPOT_PORTALS: '[{"portalId":"62515","accessToken":"t"}]' }, 'HUBSPOT_PORTALS'],
    [
      { HUBSPOT_PORTALS: '[{"portalId":1,"accessToken":"a"},{"portalId":1,"accessToken":"b"}]' },
      'HUBSPOT_PORTALS',
    ],
    [{ POLL_INITIAL_START: 'yesterday' }, 'POLL_INITIAL_START'],
    [{ POLL_PAGE_LIMIT: '1001' }, 'POLL_PAGE_LIMIT'],
    [{ POLL_INTERVAL_MS: '0' }, 'POLL_INTERVAL_MS'],
    [{ POLL_INTERVAL_MS: '86400001' }, 'POLL_INTERVAL_MS'],
    [{ WEBHOOK_PUBLIC_URL: 'hooks.example.com/x' }, 'WEBHOOK_PUBLIC_URL'],
    [{ WEBHOOK_MAX_BODY_BYTES: '-1' }, 'WEBHOOK_MAX_BODY_BYTES'],
  ])('rejects %j naming the variable', (source, name) => {
    expect(() => loadIntakeConfig(source)).toThrow(ConfigError);
    expect(() => loadIntakeConfig(source)).toThrow(name);
  });

  it('HEAP_CREDENTIALS_SOURCE=control-api needs CONTROL_API_URL and INTERNAL_API_KEY', () => {
    expect(loadIntakeConfig({}).heapCredentialsSource).toBe('config');
    expect(() => loadIntakeConfig({ HEAP_CREDENTIALS_SOURCE: 'control-api' })).toThrow(
      /CONTROL_API_URL: required with HEAP_CREDENTIALS_SOURCE=control-api/,
    );
    expect(
      loadIntakeConfig({
        HEAP_CREDENTIALS_SOURCE: 'control-api',
        CONTROL_API_URL: 'http://127.0.0.1:3006',
        INTERNAL_API_KEY: 'k',
      }).heapCredentialsSource,
    ).toBe('control-api');
  });

  it('never echoes a token in its error', () => {
    const source = { HUBSPOT_PORTALS: '[{"portalId":-1,"accessToken":"pat-secret-123"}]' };
    expect(() => loadIntakeConfig(source)).toThrow(/^(?![\s\S]*pat-secret-123)/);
  });
});

import { z } from 'zod';
import { ConfigError, configTable, defineConfig, env, loadConfig } from './config';

const SPEC = defineConfig({
  port: { env: 'PORT', schema: env.int(3000), description: 'HTTP port' },
  secret: { env: 'SECRET', schema: z.string().min(8), description: 'client secret', sensitive: true },
  flag: { env: 'FLAG', schema: env.bool(false), description: 'a switch' },
});

describe('loadConfig', () => {
  it('applies defaults and coercion', () => {
    expect(loadConfig(SPEC, { SECRET: 'abcdefgh', FLAG: 'true' })).toEqual({
      port: 3000,
      secret: 'abcdefgh',
      flag: true,
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(SPEC, { PORT: '', SECRET: 'abcdefgh' }).port).toBe(3000);
  });

  it('lists every problem without echoing values', () => {
    let error: unknown;
    try {
      loadConfig(SPEC, { PORT: 'eighty', SECRET: 'short', FLAG: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'SECRET', 'FLAG']);
    expect((error as Error).message).not.toContain('short');
  });
});

describe('configTable', () => {
  it('renders defaults, marks required and hides secrets', () => {
    expect(configTable(SPEC)).toBe(
      [
        '| variable | default | meaning |',
        '|---|---|---|',
        '| `PORT` | `3000` | HTTP port |',
        '| `SECRET` | (secret) | client secret |',
        '| `FLAG` | `false` | a switch |',
      ].join('\n'),
    );
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The active `NAME=value` lines of `<appDir>/.env.example` (comments and blank lines skipped), for the
 * config-documentation specs every app has: `.env.example` must list exactly the variables its config
 * spec declares, with their defaults. @throws when the file is missing.
 */
export const readEnvExample = (appDir: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(appDir, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

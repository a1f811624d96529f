import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Directory of the public HubSpot fixtures (README.md there describes each file): `$HUBSPOT_FIXTURES_DIR` when
 * set, else `<repo root>/../shared/fixtures/hubspot-public` resolved from this file's location.
 * Throws an Error naming the path when the directory does not exist.
 */
export function fixturesDir(): string {
  const fromEnv = process.env['HUBSPOT_FIXTURES_DIR'];
  const repoRoot = resolve(__dirname, '..', '..', '..');
  const dir = fromEnv ? resolve(fromEnv) : resolve(repoRoot, '..', 'shared', 'fixtures', 'hubspot-public');
  if (!existsSync(dir)) {
    const how = fromEnv ? 'from HUBSPOT_FIXTURES_DIR' : 'default; set HUBSPOT_FIXTURES_DIR to override';
    throw new Error(`HubSpot fixtures directory not found: ${dir} (${how})`);
  }
  return dir;
}

function readLines(file: string): string[] {
  const path = join(fixturesDir(), file);
  if (!existsSync(path)) throw new Error(`HubSpot fixture file not found: ${path}`);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * The 52 real `GET /email/public/v1/events` records of `email-events.jsonl` (hubspot-api.md §2.3–2.4), parsed,
 * in file order (not chronological). `created` is ms epoch; key order and nulls are as found.
 */
export function loadEmailEventFixtures(): Record<string, unknown>[] {
  return readLines('email-events.jsonl').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** One recorded webhook delivery: `raw` is the exact compact body text, `events` its parsed array. */
export interface WebhookFixture {
  raw: string;
  events: Record<string, unknown>[];
}

/**
 * The 18 webhook POST bodies of `webhooks.jsonl` (hubspot-api.md §1.4–1.6), each with its raw text (for
 * signature tests) and parsed events. Mind the quirks listed in the fixtures README (line 2 uses `eventType`,
 * line 8 has numbers as strings).
 */
export function loadWebhookFixtures(): WebhookFixture[] {
  return readLines('webhooks.jsonl').map((raw) => ({
    raw,
    events: JSON.parse(raw) as Record<string, unknown>[],
  }));
}

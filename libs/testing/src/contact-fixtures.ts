import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './fixtures';
import type { HubSpotContactSeed } from './fakes/hubspot/crm-contacts';

/** A contact property definition of contact-properties.json (hubspot-api.md §3.4), the fields used here. */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  [field: string]: unknown;
}

/** The 324 definitions of contact-properties.json (`{"results": [...]}`), verbatim. */
export const loadPropertyDefinitions = (): PropertyDefinition[] =>
  (
    JSON.parse(readFileSync(join(fixturesDir(), 'contact-properties.json'), 'utf8')) as {
      results: PropertyDefinition[];
    }
  ).results;

/**
 * The 12 contacts of contacts.jsonl as HubSpot fake seeds, the way HubSpot v3 would serve them: every
 * value a string or null (Airbyte typed numbers and booleans; hubspot-api.md §0, §3.5), v1 records
 * (`vid`, `properties.<name>.value`) flattened to their values. Ids as in the file.
 */
export const loadContactSeeds = (): HubSpotContactSeed[] =>
  readFileSync(join(fixturesDir(), 'contacts.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((raw): HubSpotContactSeed => {
      if (typeof raw['id'] === 'string') {
        const props = raw['properties'] as Record<string, unknown>;
        return {
          id: raw['id'],
          properties: Object.fromEntries(
            Object.entries(props).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
          ),
        };
      }
      const props = raw['properties'] as Record<string, { value: string }>;
      return {
        id: String(raw['vid']),
        properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v.value)])),
      };
    });

import { cacheDecision } from './property-definition.cache';

const timing = { minRefreshMs: 300_000, maxAgeMs: 86_400_000 };
const cached = (refreshedAt: number) => ({
  definitions: [{ name: 'email', label: 'Email', type: 'string', fieldType: 'text' }],
  refreshedAt,
});

describe('cacheDecision', () => {
  it.each([
    ['nothing cached', undefined, [], 1_000, 'refresh'],
    ['known names, fresh', cached(0), ['email'], 1_000, 'use'],
    ['unknown name, refreshed recently', cached(0), ['new_prop'], 299_999, 'use'],
    ['unknown name, refresh allowed', cached(0), ['new_prop'], 300_000, 'refresh'],
    ['older than max age', cached(0), [], 86_400_000, 'refresh'],
  ] as const)('%s → %s', (_name, entry, wanted, now, expected) => {
    expect(cacheDecision(entry, wanted, now, timing)).toBe(expected);
  });
});

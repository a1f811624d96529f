import { CREATE_KEY_BODY, isGlobalAdmin, tenantAccess, type Principal } from './access.rules';
import { bearerOf, generateApiKey, hashApiKey, sameKey } from './api-key';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';

describe('access rules', () => {
  const admin: Principal = { keyId: 'a', role: 'admin', tenants: '*' };
  const scopedAdmin: Principal = { keyId: 'b', role: 'admin', tenants: [T1] };
  const reader: Principal = { keyId: 'c', role: 'read-only', tenants: [T1] };

  it.each([
    [admin, T2, true, 'ok'],
    [scopedAdmin, T1, true, 'ok'],
    [scopedAdmin, T2, false, 'not-found'],
    [reader, T1, false, 'ok'],
    [reader, T1, true, 'forbidden'],
    [reader, T2, true, 'not-found'],
  ] as const)('%j on %s (write %s) → %s', (principal, tenant, write, expected) => {
    expect(tenantAccess(principal, tenant, write)).toBe(expected);
  });

  it('only an admin for every tenant creates tenants and keys', () => {
    expect([admin, scopedAdmin, reader].map(isGlobalAdmin)).toEqual([true, false, false]);
  });

  it('key bodies: role and tenants are checked', () => {
    expect(CREATE_KEY_BODY.safeParse({ role: 'read-only', tenants: [T1] }).success).toBe(true);
    expect(CREATE_KEY_BODY.safeParse({ role: 'admin', tenants: ['*'] }).success).toBe(true);
    expect(CREATE_KEY_BODY.safeParse({ role: 'owner', tenants: ['*'] }).success).toBe(false);
    expect(CREATE_KEY_BODY.safeParse({ role: 'admin', tenants: [] }).success).toBe(false);
    expect(CREATE_KEY_BODY.safeParse({ role: 'admin', tenants: ['*', T1] }).success).toBe(false);
  });
});

describe('api keys', () => {
  it('are random, hashed, compared in constant time and read from a Bearer header', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^hh_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameKey(key, key)).toBe(true);
    expect(sameKey(key, `${key}x`)).toBe(false);
    expect(bearerOf(`Bearer ${key}`)).toBe(key);
    expect(bearerOf(`Basic ${key}`)).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });
});

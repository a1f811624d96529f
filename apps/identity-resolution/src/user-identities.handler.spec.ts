import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapUserIdentity } from '@hubheap/schemas';
import { tenantDirectory } from './tenants.config';
import { planUserIdentities } from './user-identities.handler';

const record = (value: Partial<HeapUserIdentity>): ConsumedRecord<HeapUserIdentity> => ({
  topic: 'heap.user-identities.v1',
  partition: 0,
  offset: '1',
  key: null,
  headers: {},
  timestamp: 0,
  value: {
    appId: '22',
    identity: 'user-7',
    emailProperty: 'work_email',
    email: null,
    observedAt: 5,
    source: 'feed',
    ...value,
  },
});
const tenants = tenantDirectory({
  tenants: [{ portalId: 1, heapAppId: '22', emailProperty: 'work_email' }],
  includeFilteredEvents: false,
});

describe('planUserIdentities', () => {
  it('normalises the email (trim, lower case) and keeps observedAt', () => {
    expect(planUserIdentities([record({ email: ' Jane@X.io ' })], tenants).updates).toEqual([
      { appId: '22', identity: 'user-7', email: 'jane@x.io', observedAt: 5 },
    ]);
  });

  it('a null or blank email means the user has none any more', () => {
    expect(planUserIdentities([record({ email: '  ' })], tenants).updates[0]!.email).toBeUndefined();
  });

  it.each([
    ['an empty identity', { identity: ' ' }, 'invalid-identity'],
    ['an identity over 255 characters', { identity: 'x'.repeat(256) }, 'invalid-identity'],
    ['another property than the tenant uses', { emailProperty: 'email' }, 'other-email-property'],
  ])('skips %s', (_name, value, reason) => {
    const plan = planUserIdentities([record(value)], tenants);
    expect(plan.updates).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([reason]);
  });

  it('applies values of an app no tenant lists yet (the map is ready when the tenant is added)', () => {
    expect(planUserIdentities([record({ appId: '99', email: 'a@x.io' })], tenants).updates).toHaveLength(1);
  });
});

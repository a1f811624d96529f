import { expiredPending, expiryReason, withIdentity } from './pending-record';
import { normaliseEmail, resolveIdentity, identityView, identityKey } from './identity-map';

describe('pending records', () => {
  it('expire after maxAgeMs, oldest first', () => {
    const rows = [
      { enqueuedAt: 500, id: 'b' },
      { enqueuedAt: 100, id: 'a' },
      { enqueuedAt: 950, id: 'c' },
    ];
    expect(expiredPending(rows, 1000, 400).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('carry the reason `no Heap identity for <email> after <n> ms`', () => {
    expect(expiryReason('a@x.io', 604_800_000)).toBe('no Heap identity for a@x.io after 604800000 ms');
  });

  it('get the identity set on release', () => {
    const output = withIdentity(
      {
        topic: 'heap.track-events.v1',
        value: {
          appId: '1',
          portalId: 1,
          identity: '',
          event: 'E',
          timestamp: 't',
          idempotencyKey: 'k',
          properties: {},
          sourceEventId: 's',
        },
      },
      'user-7',
    );
    expect(output.value.identity).toBe('user-7');
  });
});

describe('identity map', () => {
  it.each([
    [' Jane@Example.COM ', 'jane@example.com'],
    ['', undefined],
    [null, undefined],
    ['null', undefined],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it('resolves the identity: the email itself, the mapped identity, or wait', () => {
    const view = identityView(new Map([[identityKey('2', 'a@x.io'), 'user-7']]));
    expect(resolveIdentity({ heapAppId: '1', emailProperty: 'identity' }, 'a@x.io', view)).toEqual({
      kind: 'identity',
      identity: 'a@x.io',
    });
    expect(resolveIdentity({ heapAppId: '2', emailProperty: 'work_email' }, 'a@x.io', view)).toEqual({
      kind: 'identity',
      identity: 'user-7',
    });
    expect(resolveIdentity({ heapAppId: '2', emailProperty: 'work_email' }, 'b@x.io', view)).toEqual({
      kind: 'wait',
    });
    expect(
      resolveIdentity({ heapAppId: '1', emailProperty: 'identity' }, `${'x'.repeat(251)}@x.io`, view),
    ).toEqual({ kind: 'too-long' });
  });
});

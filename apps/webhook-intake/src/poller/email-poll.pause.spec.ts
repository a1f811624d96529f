import { decidePortalPoll } from './email-poll.planner';

describe('decidePortalPoll (source toggle and disconnect, integration.settings.v1)', () => {
  it.each([
    ['active, source on', 'poll', { state: 'active', sourceEnabled: true }, true],
    ['active, source off', 'paused', { state: 'active', sourceEnabled: false }, true],
    ['disconnected, source on', 'paused', { state: 'disconnected', sourceEnabled: true }, true],
    ['disconnected, source off', 'paused', { state: 'disconnected', sourceEnabled: false }, true],
    ['unknown state', 'paused', { state: 'suspended', sourceEnabled: true }, true],
    ['unknown tenant, settings required (topic)', 'paused', undefined, true],
    ['unknown tenant, env settings', 'poll', undefined, false],
  ] as const)('%s → %s', (_name, expected, tenant, requireSettings) => {
    expect(decidePortalPoll(tenant, requireSettings)).toBe(expected);
  });
});

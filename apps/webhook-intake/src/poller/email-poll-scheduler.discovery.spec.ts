import type { HubSpotTokenProvider } from '@hubheap/hubspot';
import type { IntegrationSettings } from '@hubheap/schemas';
import type { TenantSettings, TenantSettingsListener } from '@hubheap/service';
import type { PortalLockRepository } from '../database/portal-lock.repository';
import { IntakeMetrics } from '../intake.metrics';
import { loadIntakeConfig, type PortalCredentials } from '../webhook-intake.config';
import { EmailPollScheduler } from './email-poll-scheduler.service';
import type { EmailPollService } from './email-poll.service';

const tenant = (portalId: number, sourceEnabled: boolean): IntegrationSettings =>
  ({ portalId, state: 'active', sourceEnabled }) as unknown as IntegrationSettings;

/** The scheduler with HUBSPOT_TOKEN_SOURCE=control-api, topic settings holding `tenants`, stubbed I/O. */
const setup = (tenants: IntegrationSettings[]) => {
  const listeners: TenantSettingsListener[] = [];
  const byPortal = new Map(tenants.map((t) => [t.portalId, t]));
  const settings = {
    source: 'topic',
    all: () => [...byPortal.values()],
    get: (portalId: number) => byPortal.get(portalId),
    onChange: (listener: TenantSettingsListener) => {
      listeners.push(listener);
      return () => undefined;
    },
  } as unknown as TenantSettings;
  const polled: PortalCredentials[] = [];
  const polls = {
    poll: async (portal: PortalCredentials) => {
      polled.push(portal);
      return { produced: 0, fetched: 0, windows: 1, watermark: null };
    },
  } as unknown as EmailPollService;
  const locks = {
    tryAcquire: async () => true,
    close: async () => undefined,
  } as unknown as PortalLockRepository;
  const tokens: HubSpotTokenProvider = { accessToken: async (portalId) => `token-of-${portalId}` };
  const config = loadIntakeConfig({
    HUBSPOT_TOKEN_SOURCE: 'control-api',
    CONTROL_API_URL: 'http://control-api:3006',
    INTERNAL_API_KEY: 'k',
    SETTINGS_SOURCE: 'topic',
    POLL_INTERVAL_MS: '86400000',
  });
  const scheduler = new EmailPollScheduler(config, polls, locks, new IntakeMetrics(), settings, tokens);
  const change = (current: IntegrationSettings) => {
    const previous = byPortal.get(current.portalId);
    byPortal.set(current.portalId, current);
    for (const listener of listeners) listener(current, previous);
  };
  return { scheduler, polled, change };
};

describe('EmailPollScheduler with HUBSPOT_TOKEN_SOURCE=control-api and topic settings', () => {
  it('polls every tenant of the settings topic (also ones added later) with its control-api token', async () => {
    const { scheduler, polled, change } = setup([tenant(1, true), tenant(2, false)]);
    scheduler.onApplicationBootstrap();
    try {
      const first = await scheduler.runOnce();
      expect(first.map((r) => [r.portalId, r.status])).toEqual([
        [1, 'polled'],
        [2, 'paused'],
      ]);
      change(tenant(3, true));
      const second = await scheduler.runOnce();
      expect(second.map((r) => [r.portalId, r.status])).toEqual([
        [1, 'polled'],
        [2, 'paused'],
        [3, 'polled'],
      ]);
      expect(polled).toEqual([
        { portalId: 1, accessToken: 'token-of-1' },
        { portalId: 1, accessToken: 'token-of-1' },
        { portalId: 3, accessToken: 'token-of-3' },
      ]);
    } finally {
      await scheduler.beforeApplicationShutdown();
    }
  });
});

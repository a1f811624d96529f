import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HubSpotAuthError, type HubSpotTokenProvider } from '@hubheap/hubspot';
import { isRetriable, describeError } from '@hubheap/kafka';
import { TenantSettings } from '@hubheap/service';
import { PortalLockRepository } from '../database/portal-lock.repository';
import { IntakeMetrics, type PollStatus } from '../intake.metrics';
import {
  HUBSPOT_TOKENS,
  INTAKE_CONFIG,
  type PortalCredentials,
  type WebhookIntakeConfig,
} from '../webhook-intake.config';
import { EmailPollService, type PollTotals } from './email-poll.service';
import { decidePortalPoll } from './email-poll.planner';

/** Outcome of one poll of one portal, as `POST /poller/run-once` reports it. */
export interface PortalPollResult extends Partial<PollTotals> {
  portalId: number;
  status: PollStatus;
  /** Error text for the failed statuses (no token in it). */
  error?: string;
}

interface PortalState {
  portalId: number;
  timer?: NodeJS.Timeout;
  /** The poll in flight (or the last one); polls of one portal never overlap in a process. */
  running: Promise<unknown>;
  failures: number;
  /** Set after a 401/403: the loop leaves the portal alone until a manual run succeeds. */
  authFailed: boolean;
}

/** Longest backoff after consecutive failures, in poll intervals. */
const MAX_BACKOFF_FACTOR = 16;
/** How long a shutdown waits for polls in flight before closing connections under them (ms). */
const SHUTDOWN_WAIT_MS = 5_000;

/**
 * Runs the Email Events poller: one loop per configured portal every POLL_INTERVAL_MS (first poll one
 * interval after boot), skipped unless this replica holds the portal's advisory lock. Retriable failures
 * (429, 5xx, Kafka, Postgres) back off exponentially up to 16 intervals; an auth failure (401/403) stops
 * the loop for that portal. `runOnce` polls every portal now, waiting for a poll in flight first.
 * A portal whose tenant settings say the source is off or the tenant disconnected (decidePortalPoll) is
 * not polled (`paused`, cursor untouched); when it turns active again it is polled at once.
 * Tokens come from HUBSPOT_TOKENS (HUBSPOT_TOKEN_SOURCE) before every poll. With
 * `HUBSPOT_TOKEN_SOURCE=control-api` and `SETTINGS_SOURCE=topic`, every tenant of integration.settings.v1
 * gets a loop too (portals added in control-api are picked up without a restart).
 */
@Injectable()
export class EmailPollScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(EmailPollScheduler.name);
  private readonly states: PortalState[];
  private stopping = false;
  private unsubscribe?: () => void;

  constructor(
    @Inject(INTAKE_CONFIG) private readonly config: WebhookIntakeConfig,
    private readonly polls: EmailPollService,
    private readonly locks: PortalLockRepository,
    private readonly metrics: IntakeMetrics,
    @Inject(TenantSettings) private readonly settings: TenantSettings,
    @Inject(HUBSPOT_TOKENS) private readonly tokens: HubSpotTokenProvider,
  ) {
    this.states = config.hubspotPortals.map((portal) => this.newState(portal.portalId));
  }

  /** Whether tenants of integration.settings.v1 are polled without being listed in HUBSPOT_PORTALS. */
  private get discoversTenants(): boolean {
    return this.config.hubspotTokenSource === 'control-api' && this.settings.source === 'topic';
  }

  private newState(portalId: number): PortalState {
    return { portalId, running: Promise.resolve(), failures: 0, authFailed: false };
  }

  /** Adds (and schedules) a loop for a tenant portal seen in the settings topic; no-op when known. */
  private discover(portalId: number): PortalState | undefined {
    if (!this.discoversTenants || this.stopping) return undefined;
    if (this.states.some((s) => s.portalId === portalId)) return undefined;
    const state = this.newState(portalId);
    this.states.push(state);
    this.logger.log(`portal ${portalId}: tenant of integration.settings.v1; polling its email events`);
    this.schedule(state, this.config.pollIntervalMs);
    return state;
  }

  onApplicationBootstrap(): void {
    for (const tenant of this.discoversTenants ? this.settings.all() : []) {
      if (!this.states.some((s) => s.portalId === tenant.portalId))
        this.states.push(this.newState(tenant.portalId));
    }
    if (this.states.length === 0 && !this.discoversTenants) {
      this.logger.log('HUBSPOT_PORTALS is empty: the email events poller is off');
      return;
    }
    this.logger.log(
      `polling email events of ${this.states.length} portal(s) every ${this.config.pollIntervalMs} ms`,
    );
    for (const state of this.states) this.schedule(state, this.config.pollIntervalMs);
    this.unsubscribe = this.settings.onChange((current, previous) => {
      const portalId = (current ?? previous)?.portalId;
      if (portalId !== undefined && this.discover(portalId)) return;
      const state = this.states.find((s) => s.portalId === portalId);
      if (!state || state.authFailed || !current) return;
      const now = decidePortalPoll(current, true);
      if (now === 'poll' && decidePortalPoll(previous, true) === 'paused') {
        this.logger.log(`portal ${current.portalId}: source active again; polling resumes from its cursor`);
        this.schedule(state, 0);
      } else if (now === 'paused' && decidePortalPoll(previous, true) === 'poll')
        this.logger.log(`portal ${current.portalId}: source off or disconnected; polling paused`);
    });
  }

  /** Polls every configured portal now; resolves with one result per portal (never rejects). */
  runOnce(): Promise<PortalPollResult[]> {
    if (this.stopping) return Promise.resolve([]);
    return Promise.all(this.states.map((state) => this.runExclusive(state)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    for (const state of this.states) clearTimeout(state.timer);
    const inFlight = Promise.allSettled(this.states.map((s) => s.running));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([inFlight, deadline]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.locks.close();
  }

  private schedule(state: PortalState, delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      void this.runExclusive(state).then((result) => {
        if (result.status === 'auth-error') return;
        this.schedule(state, this.backoffMs(state));
      });
    }, delayMs);
  }

  private backoffMs(state: PortalState): number {
    const factor = state.failures === 0 ? 1 : Math.min(2 ** (state.failures - 1), MAX_BACKOFF_FACTOR);
    return this.config.pollIntervalMs * factor;
  }

  private runExclusive(state: PortalState): Promise<PortalPollResult> {
    const next = state.running.then(() => this.pollGuarded(state));
    state.running = next;
    return next;
  }

  /** Takes the lock, polls, and turns every failure into a result; updates failure counters and metrics. */
  private async pollGuarded(state: PortalState): Promise<PortalPollResult> {
    const { portalId } = state;
    let result: PortalPollResult;
    try {
      if (this.paused(portalId)) {
        result = { portalId, status: 'paused' };
      } else if (!(await this.locks.tryAcquire(portalId))) {
        result = { portalId, status: 'not-leader' };
      } else {
        const portal: PortalCredentials = { portalId, accessToken: await this.tokens.accessToken(portalId) };
        result = { portalId, status: 'polled', ...(await this.polls.poll(portal)) };
        state.failures = 0;
        if (state.authFailed) {
          state.authFailed = false;
          this.logger.log(`portal ${portalId}: HubSpot accepts the token again; polling resumes`);
          this.schedule(state, this.config.pollIntervalMs);
        }
      }
    } catch (error) {
      result = this.failed(state, error);
    }
    this.metrics.polled(portalId, result.status);
    return result;
  }

  private paused(portalId: number): boolean {
    return decidePortalPoll(this.settings.get(portalId), this.settings.source === 'topic') === 'paused';
  }

  private failed(state: PortalState, error: unknown): PortalPollResult {
    const { portalId } = state;
    const text = describeError(error);
    if (error instanceof HubSpotAuthError) {
      // a control-api token may have been revoked or refreshed meanwhile: ask again next time
      (this.tokens as { invalidate?: (portalId: number) => void }).invalidate?.(portalId);
      state.authFailed = true;
      this.metrics.pollError(portalId, 'auth');
      this.logger.error(
        `portal ${portalId}: HubSpot refused the access token (HTTP ${error.status}); polling of this portal stops until a manual run succeeds — ${text}`,
      );
      return { portalId, status: 'auth-error', error: text };
    }
    state.failures += 1;
    const retriable = isRetriable(error);
    this.metrics.pollError(portalId, retriable ? 'retriable' : 'other');
    const wait = this.backoffMs(state);
    this.logger.warn(
      `portal ${portalId}: poll failed (${text}); cursor not advanced, next try in ${wait} ms`,
    );
    return { portalId, status: retriable ? 'retriable-error' : 'error', error: text };
  }
}

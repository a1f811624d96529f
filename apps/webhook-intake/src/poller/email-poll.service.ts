import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidEmailEventError, toEmailEventRecord } from '@hubheap/hubspot';
import { KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_EMAIL_EVENTS, type HubSpotEmailEvent } from '@hubheap/schemas';
import { EmailPollStateRepository } from '../database/email-poll-state.repository';
import { IntakeMetrics } from '../intake.metrics';
import type { PortalCredentials } from '../webhook-intake.config';
import {
  halveWindow,
  nextWindow,
  planFirstWindow,
  selectNewEvents,
  type PollCursor,
  type PollSettings,
  type PollWindow,
  type RawEmailEvent,
  type WindowDecision,
} from './email-poll.planner';
import { PortalEmailEventsClient } from './portal-email-events.client';

/** Poller settings (ms) resolved at boot. */
export interface EmailPollSettings extends PollSettings {
  /** Floor of a portal polled for the first time (ms epoch). */
  initialStart: number;
  /** A window with more events is halved. */
  maxWindowEvents: number;
}

/** Nest token of {@link EmailPollSettings}. */
export const EMAIL_POLL_SETTINGS = Symbol('EMAIL_POLL_SETTINGS');

/** What one poll of one portal did. */
export interface PollTotals {
  /** Records produced to `hubspot.email-events.v1`. */
  produced: number;
  /** Events HubSpot returned, already-produced ones included. */
  fetched: number;
  /** Windows committed. */
  windows: number;
  /** Watermark after the poll (ms epoch), `null` when nothing was ever produced. */
  watermark: number | null;
}

/** Records per Kafka request: keeps each request well under the broker's 1 MB batch limit. */
const PRODUCE_SLICE = 250;

/**
 * One poll of one portal (hubspot-api.md §2.6): plans windows from the stored cursor up to now − lag,
 * fetches each, produces the events not produced before (oldest first), then commits their EventIds
 * and the watermark in one transaction. Kafka acks before Postgres commits: a crash in between re-produces
 * that window's events on the next poll (at-least-once), it never skips any.
 */
@Injectable()
export class EmailPollService {
  private readonly logger = new Logger(EmailPollService.name);

  constructor(
    private readonly state: EmailPollStateRepository,
    private readonly events: PortalEmailEventsClient,
    @Inject(KafkaPlatform) private readonly kafka: KafkaPlatform,
    private readonly metrics: IntakeMetrics,
    @Inject(EMAIL_POLL_SETTINGS) private readonly settings: EmailPollSettings,
  ) {}

  /**
   * Polls `portal` once, `nowMs` being the wall clock. Throws HubSpot errors (HubSpotRetriableError,
   * HubSpotAuthError, HubSpotRequestError), kafkajs errors or pg errors; windows committed before the
   * failure stay committed, the failing one is retried from the cursor next time.
   */
  async poll(portal: PortalCredentials, nowMs: number = Date.now()): Promise<PollTotals> {
    let cursor = await this.state.loadCursor(portal.portalId, this.settings.initialStart);
    const totals: PollTotals = { produced: 0, fetched: 0, windows: 0, watermark: cursor.watermark };
    const first = planFirstWindow(cursor, nowMs, this.settings);
    let window: PollWindow | null = first;
    while (window && first) {
      const fitted = await this.fetchFitting(portal, window);
      const done = await this.commitWindow(portal, cursor, fitted.window, fitted.events);
      cursor = { ...cursor, watermark: done.watermark };
      totals.produced += done.produced;
      totals.fetched += fitted.events.length;
      totals.windows += 1;
      totals.watermark = done.watermark;
      window = nextWindow(fitted.window, first.endTimestamp);
    }
    return totals;
  }

  /** Fetches `window`, halving it while it holds more than `maxWindowEvents` events. */
  private async fetchFitting(
    portal: PortalCredentials,
    window: PollWindow,
  ): Promise<{ window: PollWindow; events: RawEmailEvent[] }> {
    let current = window;
    for (;;) {
      const fetched = await this.events.fetch(portal, current, this.settings.maxWindowEvents);
      if (!fetched.overflow) return { window: current, events: fetched.events };
      const half = halveWindow(current);
      if (!half) {
        const all = await this.events.fetch(portal, current, Number.POSITIVE_INFINITY);
        return { window: current, events: all.events };
      }
      this.logger.log(
        `portal ${portal.portalId}: more than ${this.settings.maxWindowEvents} events in [${current.startTimestamp}, ${current.endTimestamp}]; halving the window`,
      );
      current = half;
    }
  }

  /** Produces the window's new events, then commits them and the watermark. */
  private async commitWindow(
    portal: PortalCredentials,
    cursor: PollCursor,
    window: PollWindow,
    fetched: RawEmailEvent[],
  ): Promise<{ produced: number; watermark: number | null }> {
    const seen = await this.state.seenKeys(portal.portalId, window);
    const decision = selectNewEvents(fetched, seen, window, cursor, this.settings);
    const records = this.toRecords(portal.portalId, decision, Date.now());
    await this.produce(records);
    await this.state.commitWindow(portal.portalId, {
      produced: decision.fresh,
      watermark: decision.watermark,
      pruneBefore: decision.pruneBefore,
      polledUntil: window.endTimestamp,
    });
    this.metrics.emailEventsProduced(portal.portalId, records.length);
    return { produced: records.length, watermark: decision.watermark };
  }

  /**
   * Maps the new events to records of the polled portal: the token decides the tenant, so a raw
   * `portalId` that differs (never seen from HubSpot itself) does not move an event to another tenant.
   * Events the mapper refuses are skipped, counted and logged; they are still marked as seen.
   */
  private toRecords(portalId: number, decision: WindowDecision, polledAt: number): HubSpotEmailEvent[] {
    const records: HubSpotEmailEvent[] = [];
    let refused = decision.invalid.length;
    for (const event of decision.fresh) {
      try {
        records.push({ ...toEmailEventRecord(event.raw, portalId, polledAt, 'poller'), portalId });
      } catch (error) {
        if (!(error instanceof InvalidEmailEventError)) throw error;
        refused += 1;
      }
    }
    if (refused > 0) {
      this.metrics.pollError(portalId, 'invalid-event', refused);
      this.logger.warn(`portal ${portalId}: skipped ${refused} email event(s) without a valid id/created`);
    }
    return records;
  }

  private async produce(records: HubSpotEmailEvent[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.kafka.producer();
    for (let i = 0; i < records.length; i += PRODUCE_SLICE) {
      await producer.send(
        HUBSPOT_EMAIL_EVENTS,
        records.slice(i, i + PRODUCE_SLICE).map((value) => ({ value })),
      );
    }
  }
}

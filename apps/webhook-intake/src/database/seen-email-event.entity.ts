import { Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './email-poll-cursor.entity';

/**
 * `webhook_intake.seen_email_event`: EventIds (`id`, `created`, hubspot-api.md §2.3) already produced to
 * `hubspot.email-events.v1`, kept only as long as a poll window can reach them (watermark − lookback);
 * older rows are pruned when a window commits.
 */
@Entity({ name: 'seen_email_event' })
@Index('seen_email_event_portal_created_idx', ['portalId', 'created'])
export class SeenEmailEventEntity {
  @PrimaryColumn({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  /** The event's `created`, ms epoch. */
  @PrimaryColumn({ name: 'created', type: 'bigint', transformer: bigintNumber })
  created!: number;
}

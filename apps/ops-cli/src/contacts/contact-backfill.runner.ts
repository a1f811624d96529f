import type { HubSpotWebhookEvent } from '@hubheap/schemas';
import { toBackfillRecord, type ContactJson } from './contact-backfill.mapper';
import type { ContactPageSource } from './contact-page.source';
import type { ContactPageCommit } from './contact-import-job.repository';

/** Where a backfill stands: cursor of the next page (undefined = first page) and job totals. */
export interface ContactBackfillState {
  cursor: string | undefined;
  pages: number;
  read: number;
  emitted: number;
  withoutEmail: number;
}

/** What the progress display hears after each committed page. */
export interface ContactPageProgress {
  /** Contacts read / records emitted / contacts without email in this page. */
  read: number;
  emitted: number;
  withoutEmail: number;
  totals: ContactBackfillState;
}

/** The loop's collaborators. `produce` and `commit` are absent on a dry run. */
export interface ContactBackfillDeps {
  portalId: number;
  source: ContactPageSource;
  /** Resolves once Kafka acked every record (acks=all). */
  produce?: (records: HubSpotWebhookEvent[]) => Promise<void>;
  /** Stores the new cursor and totals; `previousPages` guards against a concurrent writer. */
  commit?: (previousPages: number, commit: ContactPageCommit) => Promise<void>;
  onPage: (progress: ContactPageProgress) => void;
  /** Checked before every page: once aborted, the loop stops at the last committed page. */
  signal?: AbortSignal;
  /** Clock for `receivedAt` (ms epoch). */
  now: () => number;
}

/** The run stopped because its AbortSignal fired; the job stays resumable at its last committed page. */
export class ContactBackfillAbortedError extends Error {
  override readonly name = 'ContactBackfillAbortedError';
}

/**
 * Pages through the portal's contacts from `state.cursor` on: per page fetch, map (contacts without email
 * are counted and skipped), produce, and only then commit the next cursor. A failure leaves the cursor at
 * the failing page, so a rerun reads that page alone again (its records may be produced twice; downstream
 * dedupes by contact). Returns the final totals; throws what the source, producer or store threw, or
 * ContactBackfillAbortedError.
 */
export const runContactPages = async (
  state: ContactBackfillState,
  deps: ContactBackfillDeps,
): Promise<ContactBackfillState> => {
  let current = state;
  for (;;) {
    if (deps.signal?.aborted) throw new ContactBackfillAbortedError('contact import interrupted');
    const page = await deps.source.fetchPage(current.cursor);
    const { records, withoutEmail } = decide(deps.portalId, page.contacts, deps.now());
    if (deps.produce && records.length > 0) await deps.produce(records);
    const next: ContactBackfillState = {
      cursor: page.nextCursor,
      pages: current.pages + 1,
      read: current.read + page.contacts.length,
      emitted: current.emitted + (deps.produce ? records.length : 0),
      withoutEmail: current.withoutEmail + withoutEmail,
    };
    await deps.commit?.(current.pages, {
      afterCursor: next.cursor ?? null,
      pages: next.pages,
      read: next.read,
      emitted: next.emitted,
      withoutEmail: next.withoutEmail,
    });
    current = next;
    deps.onPage({
      read: page.contacts.length,
      emitted: deps.produce ? records.length : 0,
      withoutEmail,
      totals: current,
    });
    if (current.cursor === undefined) return current;
  }
};

const decide = (
  portalId: number,
  contacts: ReadonlyArray<ContactJson>,
  receivedAtMs: number,
): { records: HubSpotWebhookEvent[]; withoutEmail: number } => {
  const records: HubSpotWebhookEvent[] = [];
  let withoutEmail = 0;
  for (const contact of contacts) {
    const decision = toBackfillRecord(portalId, contact, receivedAtMs);
    if (decision.kind === 'emit') records.push(decision.record);
    else withoutEmail += 1;
  }
  return { records, withoutEmail };
};

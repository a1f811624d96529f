import type { HubSpotWebhookEvent } from '@hubheap/schemas';
import type { ContactJson } from './contact-backfill.mapper';
import {
  ContactBackfillAbortedError,
  runContactPages,
  type ContactBackfillState,
} from './contact-backfill.runner';
import type { ContactPage, ContactPageSource } from './contact-page.source';
import type { ContactPageCommit } from './contact-import-job.repository';

/** In-memory HubSpot list endpoint: `pageSize` contacts a page, cursor = index of the next contact. */
class MemorySource implements ContactPageSource {
  readonly cursors: Array<string | undefined> = [];
  failAt: string | undefined;
  constructor(
    private readonly contacts: ContactJson[],
    private readonly pageSize = 3,
  ) {}
  async fetchPage(cursor: string | undefined): Promise<ContactPage> {
    this.cursors.push(cursor);
    if (cursor !== undefined && cursor === this.failAt) throw new Error('HubSpot 500');
    const from = cursor === undefined ? 0 : Number(cursor);
    const next = from + this.pageSize;
    return {
      contacts: this.contacts.slice(from, next),
      ...(next < this.contacts.length ? { nextCursor: String(next) } : {}),
    };
  }
  async total(): Promise<number> {
    return this.contacts.length;
  }
}

const contacts = Array.from({ length: 8 }, (_, i) => ({
  id: String(100 + i),
  properties: { email: i % 4 === 3 ? null : `user${i}@example.com` },
  updatedAt: '2024-01-01T00:00:00.000Z',
}));
const start: ContactBackfillState = { cursor: undefined, pages: 0, read: 0, emitted: 0, withoutEmail: 0 };

const harness = (source: ContactPageSource, signal?: AbortSignal) => {
  const produced: HubSpotWebhookEvent[] = [];
  const commits: ContactPageCommit[] = [];
  return {
    produced,
    commits,
    run: (state: ContactBackfillState) =>
      runContactPages(state, {
        portalId: 9,
        source,
        produce: async (records) => void produced.push(...records),
        commit: async (_previous, commit) => void commits.push(commit),
        onPage: () => undefined,
        ...(signal ? { signal } : {}),
        now: () => 42,
      }),
  };
};

describe('runContactPages', () => {
  it('reads every page, emits contacts with email, counts the others and commits each cursor', async () => {
    const source = new MemorySource(contacts);
    const h = harness(source);
    const end = await h.run(start);
    expect(end).toEqual({ cursor: undefined, pages: 3, read: 8, emitted: 6, withoutEmail: 2 });
    expect(h.produced.map((r) => r.objectId)).toEqual(['100', '101', '102', '104', '105', '106']);
    expect(h.commits.map((c) => c.afterCursor)).toEqual(['3', '6', null]);
    expect(source.cursors).toEqual([undefined, '3', '6']);
  });

  it('a failing page leaves the last commit before it; continuing from there reads each contact once more at most', async () => {
    const source = new MemorySource(contacts);
    source.failAt = '6';
    const h = harness(source);
    await expect(h.run(start)).rejects.toThrow('HubSpot 500');
    const last = h.commits[h.commits.length - 1]!;
    expect(last).toEqual({ afterCursor: '6', pages: 2, read: 6, emitted: 5, withoutEmail: 1 });
    source.failAt = undefined;
    const end = await h.run({ ...last, cursor: last.afterCursor ?? undefined });
    expect(end).toMatchObject({ pages: 3, read: 8, emitted: 6, withoutEmail: 2 });
    expect(h.produced.map((r) => r.objectId)).toEqual(['100', '101', '102', '104', '105', '106']);
  });

  it('stops before the next page once aborted', async () => {
    const controller = new AbortController();
    const source = new MemorySource(contacts);
    const h = harness(source, controller.signal);
    const original = source.fetchPage.bind(source);
    source.fetchPage = async (cursor) => {
      const page = await original(cursor);
      controller.abort();
      return page;
    };
    await expect(h.run(start)).rejects.toBeInstanceOf(ContactBackfillAbortedError);
    expect(h.commits).toHaveLength(1);
  });
});

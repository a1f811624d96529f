import { generateSampleEmailEvents, type SampleEmailEventsOptions } from './sample-data';

const options: SampleEmailEventsOptions = {
  portalId: 62515,
  recipients: 300,
  campaigns: 2,
  seed: 42,
  startMs: Date.UTC(2026, 0, 5, 9, 0, 0),
};

describe('generateSampleEmailEvents', () => {
  const events = generateSampleEmailEvents(options);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateSampleEmailEvents(options)).toEqual(events);
    expect(generateSampleEmailEvents({ ...options, seed: 43 })).not.toEqual(events);
  });

  it('produces the same first event for seed 42 on every run', () => {
    const small = generateSampleEmailEvents({
      ...options,
      recipients: ['jane@example.com'],
      campaigns: [190001234],
    });
    expect(small[0]).toEqual({
      portalId: 62515,
      appId: 113,
      appName: 'Batch',
      emailCampaignId: 190001234,
      recipient: 'jane@example.com',
      hmid: '99e1ef7c-72c3-4b8a-9a3b-32c0ab73b0ad',
      id: '86cec4d3-45f2-4514-9fef-4401dd8fbf1e',
      created: 1767603704888,
      type: 'SENT',
      sentBy: { id: '86cec4d3-45f2-4514-9fef-4401dd8fbf1e', created: 1767603704888 },
      filteredEvent: false,
      smtpId: null,
      subject: 'Spring launch',
      from: 'Example Marketing <news@example.com>',
      cc: [],
      bcc: [],
      replyTo: [],
    });
    expect(small.map((e) => e['type'])).toEqual(['SENT', 'PROCESSED', 'DELIVERED', 'OPEN']);
  });

  it('covers every event type of a journey', () => {
    const types = new Set(events.map((e) => e['type']));
    expect([...types].sort()).toEqual([
      'BOUNCE',
      'CLICK',
      'DEFERRED',
      'DELIVERED',
      'DROPPED',
      'FORWARD',
      'OPEN',
      'PRINT',
      'PROCESSED',
      'SENT',
      'SPAMREPORT',
      'STATUSCHANGE',
    ]);
  });

  it('sends each campaign once per recipient: one SENT or DROPPED per message', () => {
    const starts = events.filter((e) => e['type'] === 'SENT' || e['type'] === 'DROPPED');
    expect(starts).toHaveLength(600);
    expect(new Set(starts.map((e) => `${e['emailCampaignId']}|${e['recipient']}`)).size).toBe(600);
  });

  it('uses unique ids, ms timestamps and oldest-first order', () => {
    expect(new Set(events.map((e) => e['id'])).size).toBe(events.length);
    const created = events.map((e) => e['created'] as number);
    expect(created.every((c) => Number.isInteger(c) && c >= options.startMs)).toBe(true);
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('links events with sentBy / obsoletedBy references that exist', () => {
    const byId = new Map(events.map((e) => [e['id'], e]));
    for (const e of events) {
      for (const field of ['sentBy', 'obsoletedBy', 'causedBy']) {
        const ref = e[field] as { id: string; created: number } | undefined;
        if (ref) expect(byId.get(ref.id)?.['created']).toBe(ref.created);
      }
    }
    expect(events.filter((e) => e['type'] === 'DEFERRED').every((e) => e['obsoletedBy'] !== undefined)).toBe(
      true,
    );
    expect(
      events
        .filter((e) => e['type'] === 'STATUSCHANGE')
        .every((e) => e['sentBy'] === undefined && e['appId'] === 0),
    ).toBe(true);
  });

  it('marks image-proxy prefetch opens as filtered', () => {
    const filtered = events.filter((e) => e['filteredEvent'] === true);
    expect(filtered.length).toBeGreaterThan(0);
    expect(
      filtered.every((e) => e['type'] === 'OPEN' && (e['browser'] as { type: string }).type === 'Proxy'),
    ).toBe(true);
  });
});

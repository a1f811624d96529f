import { fixturesDir, loadEmailEventFixtures, loadWebhookFixtures } from './fixtures';

describe('fixtures', () => {
  const saved = process.env['HUBSPOT_FIXTURES_DIR'];
  afterEach(() => {
    if (saved === undefined) delete process.env['HUBSPOT_FIXTURES_DIR'];
    else process.env['HUBSPOT_FIXTURES_DIR'] = saved;
  });

  it('loads the 52 email events with their type counts', () => {
    const events = loadEmailEventFixtures();
    expect(events).toHaveLength(52);
    expect(events.filter((e) => e['type'] === 'OPEN')).toHaveLength(23);
    expect(new Set(events.map((e) => e['id'])).size).toBe(52);
  });

  it('loads the 18 webhook bodies with raw text and 19 events', () => {
    const bodies = loadWebhookFixtures();
    expect(bodies).toHaveLength(18);
    expect(bodies.flatMap((b) => b.events)).toHaveLength(19);
    expect(JSON.parse(bodies[0]?.raw ?? '')).toEqual(bodies[0]?.events);
  });

  it('throws naming the path when the directory is missing', () => {
    process.env['HUBSPOT_FIXTURES_DIR'] = '/nonexistent/fixtures';
    expect(() => fixturesDir()).toThrow('HubSpot fixtures directory not found: /nonexistent/fixtures');
  });
});

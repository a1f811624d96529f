import { MemoryOutput } from '../import/import-output';
import { parseContactsFlags, printContactSummary } from './contacts.command';

describe('import contacts flags and summary', () => {
  it('parses portal, --since (ISO or ms), --restart', () => {
    expect(parseContactsFlags({ portal: '62515', since: '2024-01-01', restart: true })).toEqual({
      portalId: 62515,
      sinceMs: Date.UTC(2024, 0, 1),
      restart: true,
      dryRun: false,
    });
    expect(parseContactsFlags({ portal: '1', since: '1700000000000' }).sinceMs).toBe(1_700_000_000_000);
    expect(() => parseContactsFlags({ portal: 'abc' })).toThrow();
    expect(() => parseContactsFlags({ portal: '1', since: 'yesterday' })).toThrow(/--since/);
  });

  it('prints the final count line', () => {
    const output = new MemoryOutput();
    printContactSummary(
      {
        importId: 'x',
        status: 'completed',
        portalId: 1,
        sinceMs: null,
        total: 12,
        pages: 1,
        read: 12,
        emitted: 10,
        withoutEmail: 2,
        elapsedMs: 1500,
      },
      output,
    );
    expect(output.lines).toContain('contacts: 12 read, 10 emitted, 2 without email');
  });
});

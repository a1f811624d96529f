import { parseDuration, parseInstant, parsePortalId } from './import-options';

describe('import options', () => {
  it('reads instants as ms epoch or ISO 8601 (a bare date is midnight UTC)', () => {
    expect(parseInstant('1700000000000', '--from')).toBe(1_700_000_000_000);
    expect(parseInstant('2024-01-02', '--from')).toBe(Date.UTC(2024, 0, 2));
    expect(parseInstant('2024-01-02T03:04:05.006Z', '--from')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(() => parseInstant('yesterday', '--from')).toThrow(/--from: expected an ISO 8601/);
    expect(() => parseInstant('2024-13-45', '--to')).toThrow(RangeError);
  });

  it('reads durations with units', () => {
    expect(parseDuration('6h', '--window')).toBe(21_600_000);
    expect(parseDuration('1d', '--window')).toBe(86_400_000);
    expect(parseDuration('30m', '--window')).toBe(1_800_000);
    expect(parseDuration('500ms', '--window')).toBe(500);
    expect(parseDuration('250', '--window')).toBe(250);
    expect(() => parseDuration('0h', '--window')).toThrow(RangeError);
    expect(() => parseDuration('1w', '--window')).toThrow(/--window/);
  });

  it('reads portal ids', () => {
    expect(parsePortalId('62515')).toBe(62515);
    expect(() => parsePortalId('0')).toThrow(RangeError);
    expect(() => parsePortalId('abc')).toThrow(RangeError);
  });
});

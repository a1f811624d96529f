import { uniqueName } from './names';

describe('uniqueName', () => {
  it('keeps the prefix, adds a random suffix and never repeats', () => {
    const names = Array.from({ length: 100 }, () => uniqueName('hubspot.email-events.v1'));
    expect(new Set(names).size).toBe(100);
    expect(names[0]).toMatch(/^hubspot\.email-events\.v1-[0-9a-z]+-[0-9a-f]{8}$/);
  });

  it('replaces characters Kafka does not allow', () => {
    expect(uniqueName('my group/1')).toMatch(/^my-group-1-/);
  });
});

import { countOutcomes, planListSync } from './list-sync.planner';

describe('planListSync (segment ∩ HubSpot contacts vs list memberships)', () => {
  const ids = new Map([
    ['jane@example.com', '101'],
    ['omar@example.com', '102'],
    ['li@example.com', '103'],
  ]);

  it('adds resolved members, skips empty and unknown values, removes list members not in the segment', () => {
    const plan = planListSync({
      members: ['jane@example.com', 'omar@example.com', 'ghost@example.com', ''],
      hubspotIdsByValue: ids,
      currentListMembers: ['102', '999'],
    });
    expect(plan.add).toEqual(['101']);
    expect(plan.remove).toEqual(['999']);
    expect(plan.outcomes).toEqual([
      { matchValue: 'jane@example.com', contactId: '101', outcome: 'added', reason: null },
      { matchValue: 'omar@example.com', contactId: '102', outcome: 'already_present', reason: null },
      {
        matchValue: 'ghost@example.com',
        contactId: null,
        outcome: 'not_in_hubspot',
        reason: expect.stringMatching(/not created/),
      },
      { matchValue: '', contactId: null, outcome: 'empty_match_value', reason: expect.any(String) },
      { matchValue: null, contactId: '999', outcome: 'removed', reason: expect.any(String) },
    ]);
    expect(countOutcomes(plan.outcomes)).toEqual({
      added: 1,
      removed: 1,
      already_present: 1,
      not_in_hubspot: 1,
      empty_match_value: 1,
      error: 0,
    });
  });

  it('planning again on the applied result changes nothing', () => {
    const members = ['jane@example.com', 'li@example.com', 'nobody@x.io'];
    const first = planListSync({ members, hubspotIdsByValue: ids, currentListMembers: ['102'] });
    const after = ['102', ...first.add].filter((id) => !first.remove.includes(id));
    const second = planListSync({ members, hubspotIdsByValue: ids, currentListMembers: after });
    expect(second.add).toEqual([]);
    expect(second.remove).toEqual([]);
  });

  it('two values of one contact add it once; duplicate values are reported once', () => {
    const plan = planListSync({
      members: ['a@x.io', 'b@x.io', 'a@x.io'],
      hubspotIdsByValue: new Map([
        ['a@x.io', '7'],
        ['b@x.io', '7'],
      ]),
      currentListMembers: [],
    });
    expect(plan.add).toEqual(['7']);
    expect(plan.outcomes).toHaveLength(2);
  });

  it('an empty segment empties the list', () => {
    expect(
      planListSync({ members: [], hubspotIdsByValue: ids, currentListMembers: ['1', '2'] }),
    ).toMatchObject({
      add: [],
      remove: ['1', '2'],
    });
  });
});

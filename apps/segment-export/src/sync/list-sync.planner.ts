/** Per-member result of a sync run (`sync_run_member.outcome`). */
export type MemberOutcome =
  'added' | 'removed' | 'already_present' | 'not_in_hubspot' | 'empty_match_value' | 'error';

/** One planned outcome; `matchValue` is null for a contact removed from the list (no known value). */
export interface PlannedOutcome {
  matchValue: string | null;
  contactId: string | null;
  outcome: MemberOutcome;
  reason: string | null;
}

/** What the planner reads. */
export interface ListSyncInput {
  /** Normalised match values of the segment's present members (`''` = empty). */
  members: ReadonlyArray<string>;
  /** HubSpot contact id by normalised match value, for the values HubSpot knows (batch read, §3.2). */
  hubspotIdsByValue: ReadonlyMap<string, string>;
  /** Record ids currently in the list (memberships, §4.6). */
  currentListMembers: ReadonlyArray<string>;
}

/** Membership changes to apply (contact ids, each once) and the outcome of every member. */
export interface ListSyncPlan {
  add: string[];
  remove: string[];
  outcomes: PlannedOutcome[];
}

/**
 * Diffs the segment against the list (hubspot-api.md §4.5): the list must hold exactly the contacts of
 * the present members HubSpot knows. Empty values and values without a contact are reported, never
 * created; list members that are not (or no longer) in the segment are removed. Running it again on the
 * applied result plans no change. Pure.
 */
export const planListSync = (input: ListSyncInput): ListSyncPlan => {
  const current = new Set(input.currentListMembers);
  const desired = new Set<string>();
  const add = new Set<string>();
  const outcomes: PlannedOutcome[] = [];
  for (const value of new Set(input.members)) {
    const contactId = value === '' ? undefined : input.hubspotIdsByValue.get(value);
    if (value === '') outcomes.push(outcome(value, null, 'empty_match_value', 'empty match value: skipped'));
    else if (contactId === undefined)
      outcomes.push(
        outcome(value, null, 'not_in_hubspot', 'no HubSpot contact has this value (not created)'),
      );
    else {
      desired.add(contactId);
      const there = current.has(contactId);
      if (!there) add.add(contactId);
      outcomes.push(outcome(value, contactId, there ? 'already_present' : 'added', null));
    }
  }
  const remove = [...current].filter((id) => !desired.has(id));
  for (const id of remove) outcomes.push(outcome(null, id, 'removed', 'in the list but not in the segment'));
  return { add: [...add], remove, outcomes };
};

const outcome = (
  matchValue: string | null,
  contactId: string | null,
  kind: MemberOutcome,
  reason: string | null,
): PlannedOutcome => ({ matchValue, contactId, outcome: kind, reason });

/** Counts of a run by outcome (`sync_run.counts`). */
export const countOutcomes = (outcomes: ReadonlyArray<PlannedOutcome>): Record<MemberOutcome, number> => {
  const counts: Record<MemberOutcome, number> = {
    added: 0,
    removed: 0,
    already_present: 0,
    not_in_hubspot: 0,
    empty_match_value: 0,
    error: 0,
  };
  for (const o of outcomes) counts[o.outcome] += 1;
  return counts;
};

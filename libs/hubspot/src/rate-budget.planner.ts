/**
 * Pure decisions of the per-portal HubSpot rate budget (hubspot-api.md §6). No I/O: the Postgres store
 * runs the same rule in one SQL statement (rate-budget.store.ts), and the integration test checks that
 * both agree on the same table of cases. All times are ms since the Unix epoch; durations are ms.
 */

/** What the budget remembers about one portal. */
export interface PortalWindowState {
  /** Times (ms epoch) of the calls granted within the last window, oldest first. */
  grants: readonly number[];
  /** No call is granted before this time (ms epoch); set after a 429 so every replica backs off. 0 = none. */
  blockedUntil: number;
}

/** The budget of one portal: at most `limit` calls in any rolling window of `windowMs`. */
export interface WindowLimit {
  /** Calls per window, ≥ 1 (HubSpot: 100–190 per 10 s, minus our safety margin). */
  limit: number;
  /** Window length in ms (HubSpot's is 10 000). */
  windowMs: number;
}

/** Grant (the new state records the call) or wait `waitMs` > 0 and ask again. */
export type GrantDecision =
  { granted: true; state: PortalWindowState } | { granted: false; waitMs: number; state: PortalWindowState };

/**
 * Sliding-window log: a call at `nowMs` is granted when the portal is not blocked and fewer than
 * `limit` grants lie in `(nowMs − windowMs, nowMs]`; otherwise it waits until the block ends or until
 * enough old grants leave the window (so a lowered `limit` also drains correctly). Unlike a fixed
 * window or a token bucket, this never lets more than `limit` calls into any window of `windowMs`,
 * which is how HubSpot counts (`TEN_SECONDLY_ROLLING`). Expired grants are dropped from the state.
 */
export const planGrant = (state: PortalWindowState, nowMs: number, limit: WindowLimit): GrantDecision => {
  const live = state.grants.filter((at) => at > nowMs - limit.windowMs).sort((a, b) => a - b);
  const kept: PortalWindowState = { grants: live, blockedUntil: state.blockedUntil };
  if (state.blockedUntil > nowMs) return { granted: false, waitMs: state.blockedUntil - nowMs, state: kept };
  if (live.length >= limit.limit) {
    const freeing = live[live.length - limit.limit]!;
    return { granted: false, waitMs: freeing + limit.windowMs - nowMs, state: kept };
  }
  return { granted: true, state: { grants: [...live, nowMs], blockedUntil: state.blockedUntil } };
};

/** The state after a 429: blocked until `untilMs` (ms epoch), or longer if already blocked longer. */
export const planBlock = (state: PortalWindowState, untilMs: number): PortalWindowState => ({
  grants: state.grants,
  blockedUntil: Math.max(state.blockedUntil, untilMs),
});

/**
 * Calls per window actually granted for a portal: `requestsPerWindow` (the account's HubSpot limit)
 * less `safetyMarginRatio` (0–<1) for latency jitter between our grant and HubSpot's count, at least 1.
 */
export const effectiveLimit = (requestsPerWindow: number, safetyMarginRatio: number): number =>
  Math.max(1, Math.floor(requestsPerWindow * (1 - safetyMarginRatio)));

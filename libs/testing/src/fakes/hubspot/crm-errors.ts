import { randomUUID } from 'node:crypto';

/**
 * 429 body of the CRM search limit (hubspot-api.md §3.3, §6): message `You have reached your secondly limit.`,
 * which the `@hubspot/api-client` retry decorator keys on (waits 1 s × attempt). The `policyName` HubSpot sends
 * here is undocumented (§9); the fake sends `SECONDLY` (a guess) so the SDK does not mistake it for
 * `TEN_SECONDLY_ROLLING`.
 */
export interface HubSpotSearchRateLimitBody {
  status: 'error';
  message: 'You have reached your secondly limit.';
  errorType: 'RATE_LIMIT';
  correlationId: string;
  policyName: 'SECONDLY';
  requestId: string;
}

/** Builds the CRM search 429 body with fresh correlationId/requestId. */
export function searchRateLimitBody(): HubSpotSearchRateLimitBody {
  return {
    status: 'error',
    message: 'You have reached your secondly limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: 'SECONDLY',
    requestId: randomUUID(),
  };
}

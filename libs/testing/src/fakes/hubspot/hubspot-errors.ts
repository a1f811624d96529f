import { randomUUID } from 'node:crypto';

/**
 * HubSpot error body (hubspot-api.md §0.2): `status: "error"`, `message`, a UUID `correlationId` and a
 * `category` such as `VALIDATION_ERROR`, `INVALID_AUTHENTICATION`, `OBJECT_NOT_FOUND`; `errors[]`/`context` optional.
 */
export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  errors?: Array<{ message: string; code?: string; context?: Record<string, string[]> }>;
  context?: Record<string, string[]>;
}

/** Builds a §0.2 error body with a fresh correlationId. */
export function hubspotErrorBody(
  category: string,
  message: string,
  extra: Pick<HubSpotErrorBody, 'errors' | 'context'> = {},
): HubSpotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

/**
 * 429 body of a burst limit (§6): `policyName` `TEN_SECONDLY_ROLLING` (or `DAILY`), `errorType: "RATE_LIMIT"`,
 * message `You have reached your ten_secondly_rolling limit.`; the SDK retry decorator keys on `policyName`.
 */
export interface HubSpotRateLimitBody {
  status: 'error';
  message: string;
  errorType: 'RATE_LIMIT';
  correlationId: string;
  policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY';
  requestId: string;
}

/** Builds the §6 429 body for `policyName` with fresh correlationId/requestId. */
export function rateLimitBody(
  policyName: HubSpotRateLimitBody['policyName'] = 'TEN_SECONDLY_ROLLING',
): HubSpotRateLimitBody {
  return {
    status: 'error',
    message: `You have reached your ${policyName.toLowerCase()} limit.`,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName,
    requestId: randomUUID(),
  };
}

/** Message HubSpot sends with `INVALID_AUTHENTICATION` when no usable credentials came with the call. */
export const INVALID_AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/** Default body of an injected fault with status `status` (429 → rate-limit body, else a §0.2 error). */
export function defaultFaultBody(status: number): HubSpotErrorBody | HubSpotRateLimitBody {
  if (status === 429) return rateLimitBody('TEN_SECONDLY_ROLLING');
  if (status === 423)
    return hubspotErrorBody('LOCKED', 'The record is locked; retry after at least 2 seconds.');
  if (status === 477) return hubspotErrorBody('MIGRATION_IN_PROGRESS', 'The account is being migrated.');
  return hubspotErrorBody('INTERNAL_ERROR', `Injected fault: HTTP ${status}.`);
}

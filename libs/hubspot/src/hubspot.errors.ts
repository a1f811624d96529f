/**
 * Error classes of the HubSpot side (reference hubspot-api.md §0.1, §0.2, §6). `retriable` is what
 * the consumer runner in libs/kafka acts on: true → retry later; false → do not repeat blindly.
 */

/** Fields every HubSpot HTTP error carries. `body` is the parsed JSON error body, or its text. */
interface HubSpotHttpErrorDetails {
  status: number;
  body: unknown;
  cause?: unknown;
}

/**
 * Transient HubSpot failure (§0.1, §6): 429 (any `policyName`), 408, 423, 477, 5xx, or no HTTP
 * answer at all (`status` 0: connection refused/reset, DNS). Thrown after the client's own retries.
 * For `policyName: 'DAILY'` the quota resets at midnight in the portal's time zone: back off long.
 */
export class HubSpotRetriableError extends Error {
  readonly retriable = true;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** 429 only: `TEN_SECONDLY_ROLLING`, `DAILY`, … from the error body; `undefined` otherwise. */
  readonly policyName: string | undefined;
  readonly body: unknown;

  constructor(message: string, details: HubSpotHttpErrorDetails & { policyName?: string | undefined }) {
    super(message, { cause: details.cause });
    this.name = 'HubSpotRetriableError';
    this.status = details.status;
    this.policyName = details.policyName;
    this.body = details.body;
  }
}

/** 401/403 (§0.1): the token is invalid, expired or lacks a scope (`content` for email events, §2). */
export class HubSpotAuthError extends Error {
  readonly retriable = false;
  readonly status: number;
  readonly body: unknown;

  constructor(message: string, details: HubSpotHttpErrorDetails) {
    super(message, { cause: details.cause });
    this.name = 'HubSpotAuthError';
    this.status = details.status;
    this.body = details.body;
  }
}

/**
 * Any other 4xx (400 validation, 404, 409, 414 …), or a 2xx whose body is not what the endpoint
 * documents. Repeating the same request will not help.
 */
export class HubSpotRequestError extends Error {
  readonly retriable = false;
  readonly status: number;
  readonly body: unknown;

  constructor(message: string, details: HubSpotHttpErrorDetails) {
    super(message, { cause: details.cause });
    this.name = 'HubSpotRequestError';
    this.status = details.status;
    this.body = details.body;
  }
}

/** A HubSpot email event that cannot become a `HubSpotEmailEvent` record (no `id` or `created`, §2.3). */
export class InvalidEmailEventError extends Error {
  readonly retriable = false;
  /** Why, e.g. `created: must be a ms-epoch integer`. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Invalid HubSpot email event: ${reason}`);
    this.name = 'InvalidEmailEventError';
    this.reason = reason;
  }
}

export type HubSpotHttpError = HubSpotRetriableError | HubSpotAuthError | HubSpotRequestError;

const RETRIABLE_4XX = new Set([408, 423, 429, 477]);

/**
 * Classifies a non-2xx HubSpot answer (§0.1, §6). `bodyText` is parsed as JSON when possible so
 * `policyName`, `category` and `correlationId` stay available on `body`. Pure.
 */
export const hubSpotErrorFromResponse = (status: number, bodyText: string): HubSpotHttpError => {
  const body = parseBody(bodyText);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const hubspotMessage = typeof fields['message'] === 'string' ? `: ${fields['message']}` : '';
  const message = `HubSpot answered HTTP ${status}${hubspotMessage}`;
  if (status === 401 || status === 403) return new HubSpotAuthError(message, { status, body });
  if (RETRIABLE_4XX.has(status) || status >= 500) {
    const policyName = typeof fields['policyName'] === 'string' ? fields['policyName'] : undefined;
    return new HubSpotRetriableError(message, { status, body, policyName });
  }
  return new HubSpotRequestError(message, { status, body });
};

const parseBody = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

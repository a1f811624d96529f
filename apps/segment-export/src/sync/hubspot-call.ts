import { HubSpotRequestError } from '@hubheap/hubspot';

/**
 * True for a HubSpot 404 as the rate budget throws it (HubSpotRequestError with `status` 404,
 * hubspot-api.md §0.1): the list was deleted, or no list has that name.
 */
export const isNotFound = (error: unknown): boolean =>
  error instanceof HubSpotRequestError && error.status === 404;

import {
  HeapValidationError,
  isPlainObject,
  normalizeProperties,
  type HeapPropertyValue,
  type HeapValidationOptions,
} from './heap-properties';

/** Most events per bulk track and users per bulk add_user_properties (heap-api.md §3, §4). */
export const HEAP_MAX_BATCH = 1000;
const MAX_EVENT_NAME = 1024;
const MAX_IDENTITY = 255;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A validated track event; `timestamp` is normalised ISO 8601 UTC, absent when the request had none. */
export interface HeapTrackInput {
  identity?: string;
  userId?: string;
  event: string;
  timestamp?: string;
  properties: Record<string, HeapPropertyValue>;
  idempotencyKey?: string;
  sessionId?: string;
}

/** A validated user-properties update. */
export interface HeapUserInput {
  identity: string;
  properties: Record<string, HeapPropertyValue>;
}

/** Context of a validation: settings plus the app_id check (`unknownAppIdStatus` for unknown ids). */
export interface HeapValidationContext {
  options: HeapValidationOptions;
  isKnownAppId: (appId: string) => boolean;
  unknownAppIdStatus: number;
}

const fail = (message: string): never => {
  throw new HeapValidationError(message);
};

function checkString(path: string, value: unknown, min: number, max: number): string {
  if (typeof value !== 'string') return fail(`${path} should be string`);
  if (value.length < min) fail(`${path} should NOT be shorter than ${min} characters`);
  if (value.length > max) fail(`${path} should NOT be longer than ${max} characters`);
  return value;
}

function checkAppId(body: Record<string, unknown>, ctx: HeapValidationContext): string {
  const appId = checkString('postBody.app_id', body['app_id'], 1, Infinity);
  if (!ctx.isKnownAppId(appId)) {
    throw new HeapValidationError(
      `postBody.app_id ${appId} is not a known environment id`,
      ctx.unknownAppIdStatus,
    );
  }
  return appId;
}

function checkTimestamp(path: string, value: unknown, ctx: HeapValidationContext): string | undefined {
  if (value === undefined) return undefined;
  const lenient = ctx.options.mode === 'lenient';
  if (lenient && (typeof value === 'number' || (typeof value === 'string' && /^\d{10,}$/.test(value)))) {
    return new Date(Number(value)).toISOString();
  }
  if (typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value))) {
    return new Date(value).toISOString();
  }
  return fail(`${path} should match format "date-time"`);
}

function checkUserId(path: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    return fail(`${path} should match pattern "^[0-9]+$"`);
  if (BigInt(value) > BigInt(Number.MAX_SAFE_INTEGER))
    fail(`${path} should be <= ${Number.MAX_SAFE_INTEGER}`);
  return value;
}

function checkTrackEvent(path: string, raw: unknown, ctx: HeapValidationContext): HeapTrackInput {
  if (!isPlainObject(raw)) return fail(`${path} should be object`);
  const hasIdentity = raw['identity'] !== undefined;
  if (hasIdentity === (raw['user_id'] !== undefined))
    fail(`${path} should have exactly one of identity, user_id`);
  const out: HeapTrackInput = {
    event: checkString(`${path}.event`, raw['event'], 1, MAX_EVENT_NAME),
    properties: normalizeProperties(`${path}.properties`, raw['properties'], ctx.options, {
      absentOk: true,
      reservedIds: false,
    }),
  };
  if (hasIdentity) out.identity = checkString(`${path}.identity`, raw['identity'], 1, MAX_IDENTITY);
  else out.userId = checkUserId(`${path}.user_id`, raw['user_id']);
  const timestamp = checkTimestamp(`${path}.timestamp`, raw['timestamp'], ctx);
  if (timestamp !== undefined) out.timestamp = timestamp;
  if (raw['idempotency_key'] !== undefined) {
    const min = Math.max(1, ctx.options.minIdempotencyKeyLength);
    out.idempotencyKey = checkString(`${path}.idempotency_key`, raw['idempotency_key'], min, Infinity);
  }
  if (raw['session_id'] !== undefined)
    out.sessionId = checkString(`${path}.session_id`, raw['session_id'], 1, Infinity);
  return out;
}

function checkArray(path: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) return fail(`${path} should be array`);
  if (value.length < 1) fail(`${path} should NOT have fewer than 1 items`);
  if (value.length > HEAP_MAX_BATCH) fail(`${path} should NOT have more than ${HEAP_MAX_BATCH} items`);
  return value;
}

/**
 * Validates a `POST /api/track` body, single or bulk form (heap-api.md §2, §3, §12 items 5–8). The single form
 * is validated as a one-element `events` array, so its messages read `postBody.events[0]...`. Any invalid
 * element rejects the whole request. Returns the app_id and events; throws {@link HeapValidationError}.
 */
export function validateTrackBody(
  body: unknown,
  ctx: HeapValidationContext,
): { appId: string; form: 'single' | 'bulk'; events: HeapTrackInput[] } {
  if (!isPlainObject(body)) return fail('postBody should be object');
  const appId = checkAppId(body, ctx);
  if (body['events'] === undefined) {
    return { appId, form: 'single', events: [checkTrackEvent('postBody.events[0]', body, ctx)] };
  }
  const events = checkArray('postBody.events', body['events']);
  return {
    appId,
    form: 'bulk',
    events: events.map((e, i) => checkTrackEvent(`postBody.events[${i}]`, e, ctx)),
  };
}

function checkUser(path: string, raw: unknown, ctx: HeapValidationContext): HeapUserInput {
  if (!isPlainObject(raw)) return fail(`${path} should be object`);
  return {
    identity: checkString(`${path}.identity`, raw['identity'], 1, MAX_IDENTITY),
    properties: normalizeProperties(`${path}.properties`, raw['properties'], ctx.options, {
      absentOk: false,
      reservedIds: true,
    }),
  };
}

/**
 * Validates a `POST /api/add_user_properties` body, single (`identity` + `properties`, paths `postBody.*`) or
 * bulk (`users`, ≤ 1000, paths `postBody.users[i].*`) (heap-api.md §4, §12 item 9). Throws {@link HeapValidationError}.
 */
export function validateUserPropertiesBody(
  body: unknown,
  ctx: HeapValidationContext,
): { appId: string; form: 'single' | 'bulk'; users: HeapUserInput[] } {
  if (!isPlainObject(body)) return fail('postBody should be object');
  const appId = checkAppId(body, ctx);
  if (body['users'] === undefined)
    return { appId, form: 'single', users: [checkUser('postBody', body, ctx)] };
  const users = checkArray('postBody.users', body['users']);
  return { appId, form: 'bulk', users: users.map((u, i) => checkUser(`postBody.users[${i}]`, u, ctx)) };
}

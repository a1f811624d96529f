/**
 * JSON parsing that keeps integers above 2^53 exact. Plain `JSON.parse` turns
 * `{"objectId":12345678901234567891}` into 12345678901234567000 (a double), silently changing an id.
 * Node ≥ 21 gives revivers the number's source text (TC39 "JSON.parse source text access") and
 * `JSON.rawJSON`, so unsafe integers become raw-JSON values that `JSON.stringify` writes back
 * verbatim. On a runtime without that support the old, lossy behaviour remains.
 */

/** A number kept as its exact source text; `JSON.stringify` emits it unquoted. */
export interface RawJsonNumber {
  readonly rawJSON: string;
}

interface SourceContext {
  source?: string;
}

interface JsonWithSource {
  rawJSON?: (text: string) => RawJsonNumber;
  isRawJSON?: (value: unknown) => boolean;
}

const json = JSON as unknown as JsonWithSource;
const RAW_JSON_SUPPORTED = typeof json.rawJSON === 'function' && typeof json.isRawJSON === 'function';

/**
 * Parses `text` like `JSON.parse`, except that integers outside ±(2^53−1) come back as
 * {@link RawJsonNumber} values (exact digits) when the runtime supports it. Pure.
 * @throws SyntaxError for invalid JSON.
 */
export const parseJsonLossless = (text: string): unknown => {
  if (!RAW_JSON_SUPPORTED) return JSON.parse(text) as unknown;
  const reviver = function (this: unknown, _key: string, value: unknown, context?: SourceContext): unknown {
    const source = context?.source;
    if (typeof value === 'number' && !Number.isSafeInteger(value) && source && /^-?\d+$/.test(source)) {
      return json.rawJSON?.(source) ?? value;
    }
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown) as unknown;
};

/** True for values produced by {@link parseJsonLossless} for unsafe integers. */
export const isRawJsonNumber = (value: unknown): value is RawJsonNumber =>
  RAW_JSON_SUPPORTED && (json.isRawJSON?.(value) ?? false);

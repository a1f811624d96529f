import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new API key: `hh_` + 32 random bytes (base64url). Shown once; only its hash is stored. */
export const generateApiKey = (): string => `hh_${randomBytes(32).toString('base64url')}`;

/**
 * SHA-256 hex of a key. Keys are 256-bit random values, so a fast hash is enough (no dictionary to
 * slow down); the database never holds a usable key.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Constant-time comparison of two keys (via their hashes, so lengths never leak). */
export const sameKey = (a: string, b: string): boolean =>
  timingSafeEqual(Buffer.from(hashApiKey(a), 'hex'), Buffer.from(hashApiKey(b), 'hex'));

/** The bearer token of an `Authorization` header, or undefined. */
export const bearerOf = (header: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One encrypted value as stored: AES-256-GCM ciphertext, 12-byte IV, 16-byte tag, the key's id. */
export interface SealedSecret {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** Thrown when SECRET_KEYS is malformed; the message never contains key material. */
export class SecretKeyConfigError extends Error {
  override name = 'SecretKeyConfigError';
}

/** Thrown when a value cannot be decrypted (unknown key id, tampered bytes, wrong context). */
export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses SECRET_KEYS, `k2:<base64 of 32 bytes>,k1:<…>`: the first key encrypts, every key decrypts.
 * @throws SecretKeyConfigError when empty, a key id is malformed or repeated, or a key is not 32 bytes.
 */
export const parseSecretKeys = (text: string | undefined): Map<string, Buffer> => {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new SecretKeyConfigError('SECRET_KEYS is required (id:<base64 32 bytes>)');
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon < 1 || !KEY_ID.test(id))
      throw new SecretKeyConfigError(`SECRET_KEYS entry ${index + 1}: bad key id`);
    if (keys.has(id)) throw new SecretKeyConfigError(`SECRET_KEYS: key id ${id} repeated`);
    if (key.length !== 32) throw new SecretKeyConfigError(`SECRET_KEYS key ${id}: must be 32 bytes (base64)`);
    keys.set(id, key);
  });
  return keys;
};

/**
 * Authenticated encryption of secrets at rest (AES-256-GCM, node:crypto). `context` (e.g.
 * `<tenantId>:hubspot_refresh_token`) is bound as additional authenticated data, so a ciphertext copied
 * to another tenant's or kind's row does not decrypt. Keys rotate: add a new key first in SECRET_KEYS,
 * keep the old ones until {@link needsRotation} is false for every row (see `rotate` in SecretStore).
 */
export class SecretBox {
  private readonly currentId: string;

  constructor(private readonly keys: ReadonlyMap<string, Buffer>) {
    const first = keys.keys().next();
    if (first.done) throw new SecretKeyConfigError('at least one secret key is required');
    this.currentId = first.value;
  }

  /** Id of the key new values are encrypted with. */
  get currentKeyId(): string {
    return this.currentId;
  }

  /** Encrypts `plaintext` (UTF-8) with the current key and a fresh random 96-bit IV. */
  seal(plaintext: string, context: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentId, iv, tag: cipher.getAuthTag(), ciphertext };
  }

  /** Decrypts a value sealed under `context` with any configured key. @throws SecretDecryptError. */
  open(sealed: SealedSecret, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new SecretDecryptError(`secret encrypted with unknown key id ${sealed.keyId}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError(`secret does not authenticate (key id ${sealed.keyId})`);
    }
  }

  /** True when `sealed` was encrypted with an older key and should be re-encrypted. */
  needsRotation(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.currentId;
  }
}

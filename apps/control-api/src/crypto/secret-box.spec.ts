import { randomBytes } from 'node:crypto';
import { parseSecretKeys, SecretBox, SecretDecryptError, SecretKeyConfigError } from './secret-box';

const b64 = () => randomBytes(32).toString('base64');

describe('SecretBox (AES-256-GCM)', () => {
  const k1 = b64();
  const k2 = b64();

  it('round-trips a secret and never stores the plaintext', () => {
    const box = new SecretBox(parseSecretKeys(`k1:${k1}`));
    const sealed = box.seal('pat-na1-secret-token', 't1:hubspot_access_token');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext.toString('utf8')).not.toContain('secret');
    expect(box.open(sealed, 't1:hubspot_access_token')).toBe('pat-na1-secret-token');
  });

  it('uses a fresh IV per value', () => {
    const box = new SecretBox(parseSecretKeys(`k1:${k1}`));
    expect(box.seal('x', 'c').iv.equals(box.seal('x', 'c').iv)).toBe(false);
  });

  it('refuses tampered bytes and another context (tenant/kind)', () => {
    const box = new SecretBox(parseSecretKeys(`k1:${k1}`));
    const sealed = box.seal('secret', 't1:heap_api_key');
    expect(() => box.open(sealed, 't2:heap_api_key')).toThrow(SecretDecryptError);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open({ ...sealed, ciphertext: flipped }, 't1:heap_api_key')).toThrow(SecretDecryptError);
  });

  it('rotates: a new first key encrypts, the old one still decrypts; dropping it fails clearly', () => {
    const old = new SecretBox(parseSecretKeys(`k1:${k1}`)).seal('secret', 'c');
    const rotated = new SecretBox(parseSecretKeys(`k2:${k2},k1:${k1}`));
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(old, 'c')).toBe('secret');
    expect(rotated.needsRotation(old)).toBe(true);
    const resealed = rotated.seal(rotated.open(old, 'c'), 'c');
    expect(rotated.needsRotation(resealed)).toBe(false);
    expect(() => new SecretBox(parseSecretKeys(`k2:${k2}`)).open(old, 'c')).toThrow(/unknown key id k1/);
  });

  it.each([
    [''],
    ['k1'],
    [`k1:${randomBytes(16).toString('base64')}`],
    [`k1:${k1},k1:${k2}`],
    [`bad id:${k1}`],
  ])('rejects SECRET_KEYS %j without echoing key material', (text) => {
    expect(() => parseSecretKeys(text)).toThrow(SecretKeyConfigError);
    try {
      parseSecretKeys(text);
    } catch (error) {
      expect(String(error)).not.toContain(k1);
    }
  });
});

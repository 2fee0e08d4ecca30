import { createHash, randomBytes } from 'node:crypto';

/** A high-entropy secret with a readable prefix, e.g. `btn_…` for API tokens. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Secrets are 256 random bits, so a plain SHA-256 is enough to store them (no slow KDF needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newId(): string {
  return randomBytes(12).toString('base64url');
}

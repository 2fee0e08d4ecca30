import { createHash, randomBytes } from 'node:crypto';

/** A high-entropy secret with a readable prefix, e.g. `btn_…` for API tokens. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Secrets are 256 random bits, so a plain SHA-256 is enough to store them (no slow KDF needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * A random id (tokens, invitations, share links). Never starting with `-` or `_`: `baton token revoke
 * -xN4…` read the id as an option (1 run in 32 failed that way).
 */
export function newId(): string {
  const id = randomBytes(12).toString('base64url');
  return /^[-_]/.test(id) ? `i${id.slice(1)}` : id;
}

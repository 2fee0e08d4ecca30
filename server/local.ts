import { resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { gatedBackend, type MemoryBackend } from './mcp/backend.ts';
import { gatedSessionBackend, type SessionBackend } from './mcp/session-backend.ts';
import { createServices } from './services.ts';
import { envSchema } from './env.ts';
import { AuditLog } from './auth/audit.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter } from './http/rate-limit.ts';
import { WriteGate, type Caller } from './gate.ts';

/**
 * The services on a database file opened directly by another process (the CLI's --db, `baton mcp`
 * without a server): the same write path as the server, the write gate and projection included,
 * so a server on the same file broadcasts these writes from the change feed and its audit log
 * shows them. The caller is the file's user, trusted like the file (`local:<actor>`).
 */
export function openLocalServices(
  path: string,
  actor: string,
  options: { backgroundCheckpoint?: boolean } = {},
): { memory: MemoryBackend; sessions: SessionBackend; close(): void } {
  const handle = openDatabase(resolve(path), options);
  // Seed-shaped handoff writes open handoffs here too (accepting one needs the server's identities).
  // The same HISTORY_KEEP as the server's (validated the same way; a bad value keeps the default).
  const historyKeep = envSchema.shape.HISTORY_KEEP.safeParse(process.env.HISTORY_KEEP);
  const { memory, sessions, handoffs, analytics } = createServices(handle, {
    maxValueBytes: Number(process.env.MAX_VALUE_BYTES) || undefined,
    historyLimit: historyKeep.success ? historyKeep.data : undefined,
  });
  const gate = new WriteGate({
    audit: new AuditLog(handle),
    limiter: new RateLimiter(DEFAULT_RATE_LIMITS),
    maxDepth: Number(process.env.MAX_JSON_DEPTH) || undefined,
  });
  const caller = (): Caller => ({ principal: { kind: 'local', id: actor, name: actor }, ip: null, via: 'local' });
  return {
    memory: gatedBackend(memory, gate, caller, { immediate: true }),
    sessions: gatedSessionBackend({ sessions, handoffs, analytics, gate }, caller),
    close: () => handle.close(),
  };
}

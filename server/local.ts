import { resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { localBackend, type MemoryBackend } from './mcp/backend.ts';
import { localSessionBackend, type SessionBackend } from './mcp/session-backend.ts';
import { MemoryService } from './memory/service.ts';
import { SessionService } from './sessions/service.ts';
import { HandoffService } from './handoffs/service.ts';
import { AnalyticsService } from './analytics/service.ts';

/**
 * The services on a database file opened directly by another process (the CLI's --db, `baton mcp`
 * without a server): the same write path as the server, projection included, so a server on the
 * same file broadcasts these writes from the change feed.
 */
export function openLocalServices(
  path: string,
  actor: string,
  options: { backgroundCheckpoint?: boolean } = {},
): { memory: MemoryBackend; sessions: SessionBackend; close(): void } {
  const handle = openDatabase(resolve(path), options);
  const sessions = new SessionService(handle);
  const memory = new MemoryService(handle, {
    maxValueBytes: Number(process.env.MAX_VALUE_BYTES) || undefined,
    project: sessions.projectMemoryWrite,
  });
  // Seed-shaped handoff writes open handoffs here too (accepting one needs the server's identities).
  const handoffs = new HandoffService(handle, sessions, memory);
  return { memory: localBackend(memory, actor), sessions: localSessionBackend(sessions, actor, handoffs, new AnalyticsService(handle)), close: () => handle.close() };
}

import { resolve } from 'node:path';
import { openDatabase, type DbHandle } from '../../db/client.ts';
import { AuditLog } from '../auth/audit.ts';
import { WriteGate, type Caller } from '../gate.ts';
import { DEFAULT_RATE_LIMITS, RateLimiter } from '../http/rate-limit.ts';
import { createServices, type Services } from '../services.ts';

/**
 * A database file opened by the CLI for the data commands (`--db`): the services and the write
 * gate, with the file's user as a `local` principal (trusted like the file), so a rollback or an
 * import is audited and fed exactly as through a server (which broadcasts it from the feed).
 */
export function openLocalData(path: string, actor: string): { handle: DbHandle; services: Services; gate: WriteGate; caller: Caller; close(): void } {
  const handle = openDatabase(resolve(path));
  const services = createServices(handle, { maxValueBytes: Number(process.env.MAX_VALUE_BYTES) || undefined });
  const gate = new WriteGate({
    audit: new AuditLog(handle),
    limiter: new RateLimiter(DEFAULT_RATE_LIMITS),
    maxDepth: Number(process.env.MAX_JSON_DEPTH) || undefined,
  });
  const caller: Caller = { principal: { kind: 'local', id: actor, name: actor }, ip: null, via: 'local' };
  return { handle, services, gate, caller, close: () => handle.close() };
}

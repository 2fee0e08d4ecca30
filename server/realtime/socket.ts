import type { EventEmitter } from 'node:events';
import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import { BatonError, fromZodError, toApiError } from '../../lib/errors.ts';
import {
  clientEventSchemas,
  handshakeSchema,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeResult,
  ALL_MEMORY_ROOM,
  DASHBOARD_ROOM,
  HANDOFFS_ROOM,
  MAX_REPLAY,
} from '../../lib/events.ts';
import type { ChangeFeed } from '../feed/feed.ts';
import type { MemoryService } from '../memory/service.ts';
import type { Logger } from '../logger.ts';
import { principalLabel, type Permission, type Principal } from '../../lib/access.ts';
import { namespaceOf } from '../../lib/memory-schema.ts';
import type { AuditLog } from '../auth/audit.ts';
import { authorize } from '../auth/authorize.ts';
import type { Identity } from '../auth/identity.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import { PresenceRegistry } from './presence.ts';

export interface SocketData {
  principal: Principal;
  ip: string | null;
}
export type BatonServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BatonSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface Deps {
  memory: MemoryService;
  feed: ChangeFeed;
  logger: Logger;
  identity: Identity;
  audit: AuditLog;
  limiter: RateLimiter;
}

/** Registers one validated, acked handler: bad input or a failed service call is an error ack, never a crash. */
function on<E extends ClientEventName, R>(
  socket: BatonSocket,
  event: E,
  logger: Logger,
  fn: (input: z.output<(typeof clientEventSchemas)[E]>) => R | Promise<R>,
): void {
  const schema = clientEventSchemas[event] as z.ZodType;
  const fail = (reply: (r: Ack<R>) => void, err: unknown) => {
    if (!(err instanceof BatonError)) logger.error({ err, event }, 'socket handler failed');
    reply({ ok: false, error: toApiError(err) });
  };
  // Typed events are checked at compile time; the payload itself is untrusted and parsed here.
  (socket as unknown as EventEmitter).on(event, (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (r: Ack<R>) => void) : () => {};
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) return reply({ ok: false, error: fromZodError(parsed.error).toJSON() });
    try {
      const result = fn(parsed.data as z.output<(typeof clientEventSchemas)[E]>);
      if (result instanceof Promise) result.then((data) => reply({ ok: true, data }), (err) => fail(reply, err));
      else reply({ ok: true, data: result });
    } catch (err) {
      fail(reply, err);
    }
  });
}

/** The room a principal's sockets share, so revoking access can disconnect them at once. */
export const principalRoom = (p: Principal) => `principal:${p.kind}:${'id' in p ? p.id : ''}`;

/** The permission a room needs: the all-memory room needs every namespace. */
export function roomPermission(room: string): Permission {
  if (room === ALL_MEMORY_ROOM) return { action: 'memory:read', namespace: '*' };
  if (room.startsWith('ns:')) return { action: 'memory:read', namespace: room.slice(3) };
  if (room.startsWith('session:')) return { action: 'session:view', sessionId: room.slice(8) };
  if (room === DASHBOARD_ROOM || room === HANDOFFS_ROOM) return { action: 'memory:read', namespace: '*' };
  if (room.startsWith('user:')) return { action: 'inbox:follow', userId: room.slice(5) };
  return { action: 'admin' };
}

function sameOrigin(headers: Record<string, string | string[] | undefined>): boolean {
  const origin = headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}

export function registerSocketHandlers(io: BatonServer, { memory, feed, logger, identity, audit, limiter }: Deps): PresenceRegistry {
  const presence = new PresenceRegistry();
  const refuse = (next: (err?: Error) => void, err: BatonError) => next(Object.assign(new Error(err.message), { data: err.toJSON() }));

  io.use(async (socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) return refuse(next, fromZodError(parsed.error, 'auth'));
    const { token, share } = parsed.data;
    const raw = socket.handshake.headers;
    const headers = new Headers();
    if (token) headers.set('authorization', `Bearer ${token}`);
    else if (typeof raw.cookie === 'string') {
      // A cookie is ambient: only our own pages may use it to open a socket (no cross-site hijacking).
      if (!share && !sameOrigin(raw)) return refuse(next, new BatonError('forbidden', 'origin: cross-site socket refused', { field: 'origin' }));
      headers.set('cookie', raw.cookie);
    }
    const principal = await identity.principalFrom(headers, share ?? null);
    if (principal.kind === 'anonymous') {
      return refuse(next, new BatonError('unauthorized', 'Sign in, or connect with auth.token (an API token) or auth.share (a share link)'));
    }
    socket.data.principal = principal;
    socket.data.ip = socket.handshake.address ?? null;
    void socket.join(principalRoom(principal));
    next();
  });

  io.on('connection', (socket) => {
    /** The caller as of now: a revoked token or changed role applies to the very next event. */
    const caller = () => {
      const p = identity.refresh(socket.data.principal);
      if (p.kind === 'anonymous') {
        setImmediate(() => socket.disconnect(true));
        throw new BatonError('unauthorized', 'Your access was revoked or expired');
      }
      socket.data.principal = p;
      return p;
    };
    const writer = (p: Principal) => principalLabel(p);
    const gateWrite = async (namespaceInput: unknown, key: unknown, action: string) => {
      const p = caller();
      const namespace = namespaceOf(namespaceInput);
      try {
        authorize(p, { action: 'memory:write', namespace });
      } catch (err) {
        audit.record({ principal: p, action, target: `${namespace}/${String(key ?? '')}`.slice(0, 700), outcome: 'denied', ip: socket.data.ip });
        throw err;
      }
      await limiter.write(`${p.kind}:${'id' in p ? p.id : ''}`);
      return p;
    };

    on(socket, 'subscribe', logger, ({ rooms, sinceSeq }): SubscribeResult => {
      const p = caller();
      for (const room of rooms) authorize(p, roomPermission(room));
      const resync = { resync: true, headSeq: feed.headSeq(), changes: [] };
      if (!feed.canReplayFrom(sinceSeq)) return resync;
      // Read and join in one synchronous step: no broadcast can slip between the last replayed change
      // and the join, and the ack (with the replay) leaves before any later live change.
      const changes = feed.readForRooms(sinceSeq, rooms, MAX_REPLAY + 1);
      if (changes.length > MAX_REPLAY) return resync;
      void socket.join(rooms);
      return { resync: false, headSeq: feed.headSeq(), changes };
    });

    on(socket, 'unsubscribe', logger, ({ rooms }) => {
      caller();
      for (const room of rooms) void socket.leave(room);
      return { rooms };
    });

    on(socket, 'memory:store', logger, async (input) => {
      const p = await gateWrite(input.namespace, input.key, 'memory.store');
      return memory.storeSoon(input, writer(p), (r) =>
        audit.record({ principal: p, action: 'memory.store', target: `${r.namespace}/${r.key}`, ip: socket.data.ip, detail: { version: r.version, seq: r.seq, via: 'socket' } }),
      );
    });
    on(socket, 'memory:delete', logger, async (input) => {
      const p = await gateWrite(input.namespace, input.key, 'memory.delete');
      return memory.deleteSoon(input, writer(p), (r) =>
        audit.record({ principal: p, action: 'memory.delete', target: `${r.namespace}/${r.key}`, ip: socket.data.ip, detail: { deleted: r.deleted, via: 'socket' } }),
      );
    });
    // Presence: who is watching a board, volatile (memory only), per room the caller may view.
    const presenceName = (p: Principal) => (p.kind === 'user' ? p.name || p.email : p.kind === 'token' ? p.name : 'Shared screen');
    const stateOf = (room: string) => ({ room, viewers: presence.list(room).map(({ socketId: _s, ...v }) => v) });
    // A board's viewers go to the board and to the dashboard, which shows who is on each board.
    const broadcastPresence = (room: string) =>
      io.to(room.startsWith('session:') ? [`presence:${room}`, `presence:${DASHBOARD_ROOM}`] : `presence:${room}`).emit('presence:state', stateOf(room));
    on(socket, 'presence:set', logger, ({ room, focus }) => {
      const p = caller();
      authorize(p, roomPermission(room));
      void socket.join(`presence:${room}`);
      presence.set(room, { socketId: socket.id, id: `${p.kind}:${p.id}`, name: presenceName(p), kind: p.kind, focus: focus ?? null, since: new Date().toISOString() });
      broadcastPresence(room);
      if (room === DASHBOARD_ROOM) for (const board of presence.roomNames().filter((r) => r.startsWith('session:'))) socket.emit('presence:state', stateOf(board));
      return stateOf(room);
    });
    on(socket, 'presence:leave', logger, ({ room }) => {
      void socket.leave(`presence:${room}`);
      for (const changed of presence.remove(socket.id, room)) broadcastPresence(changed);
      return { room };
    });
    socket.on('disconnect', () => {
      for (const changed of presence.remove(socket.id)) broadcastPresence(changed);
    });

    on(socket, 'memory:retrieve', logger, (input) => {
      authorize(caller(), { action: 'memory:read', namespace: namespaceOf(input.namespace) });
      return memory.retrieve(input);
    });
  });
  return presence;
}

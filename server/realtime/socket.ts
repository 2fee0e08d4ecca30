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
import type { Permission, Principal } from '../../lib/access.ts';
import { tooDeepPath } from '../../lib/json-depth.ts';
import { authorize } from '../auth/authorize.ts';
import { namespaceOf } from '../../lib/memory-schema.ts';
import type { Identity } from '../auth/identity.ts';
import type { Caller, GateOp, WriteGate } from '../gate.ts';
import { isSameOriginRequest } from '../http/origin.ts';
import { deleteOp, storeOp } from '../memory/ops.ts';
import { PresenceRegistry, type Viewer } from './presence.ts';
import { randomUUID } from 'node:crypto';

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
  gate: WriteGate;
  /** Several nodes share the database (and a Socket.IO adapter): presence is reported between them. */
  cluster?: boolean;
}

/** Registers one validated, acked handler: bad input or a failed service call is an error ack, never a crash. */
function on<E extends ClientEventName, R>(
  socket: BatonSocket,
  event: E,
  logger: Logger,
  maxDepth: number,
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
    // Depth first, without recursion: zod (and any reply echoing it) would overflow on a deep payload.
    const deep = tooDeepPath(payload, maxDepth);
    if (deep !== null)
      return reply({
        ok: false,
        error: new BatonError('invalid_input', `${deep || 'payload'}: nested deeper than ${maxDepth} levels`, {
          field: deep.split('.')[0] || 'payload',
        }).toJSON(),
      });
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) return reply({ ok: false, error: fromZodError(parsed.error).toJSON() });
    try {
      const result = fn(parsed.data as z.output<(typeof clientEventSchemas)[E]>);
      if (result instanceof Promise)
        result.then(
          (data) => reply({ ok: true, data }),
          (err) => fail(reply, err),
        );
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

/** Sent between nodes (Socket.IO's serverSideEmit): a node's own viewers, and a new node asking for everyone's. */
const PRESENCE_REPORT = 'baton:presence';
const PRESENCE_HELLO = 'baton:presence-hello';
/** Each node reports its viewers at least this often; one silent for three reports is taken as gone. */
const PRESENCE_REPORT_MS = 5000;

export function registerSocketHandlers(io: BatonServer, { memory, feed, logger, identity, gate, cluster = false }: Deps): PresenceRegistry {
  const presence = new PresenceRegistry();
  // Presence: who is watching a board, volatile (memory only). Each node emits the state to its own sockets;
  // with several nodes each also reports its own viewers to the others, which merge them in (presence.ts).
  const stateOf = (room: string) => ({ room, viewers: presence.list(room).map(({ socketId: _s, ...v }) => v) });
  // A board's viewers go to the board and to the dashboard, which shows who is on each board.
  const emitPresence = (room: string) =>
    io.local.to(room.startsWith('session:') ? [`presence:${room}`, `presence:${DASHBOARD_ROOM}`] : `presence:${room}`).emit('presence:state', stateOf(room));
  const nodeId = randomUUID();
  let reportQueued = false;
  const report = () => {
    if (!cluster || reportQueued) return;
    reportQueued = true;
    setImmediate(() => {
      reportQueued = false;
      io.serverSideEmit(PRESENCE_REPORT, nodeId, presence.localSnapshot());
    });
  };
  const broadcastPresence = (room: string) => {
    emitPresence(room);
    report();
  };
  if (cluster) {
    io.on(PRESENCE_REPORT, (node: string, rooms: Record<string, Viewer[]>) => {
      if (node === nodeId || typeof node !== 'string' || !rooms || typeof rooms !== 'object') return;
      for (const room of presence.setRemote(node, rooms, Date.now())) emitPresence(room);
    });
    io.on(PRESENCE_HELLO, () => report());
    io.serverSideEmit(PRESENCE_HELLO);
    const timer = setInterval(() => {
      report();
      for (const room of presence.dropStale(Date.now(), PRESENCE_REPORT_MS * 3)) emitPresence(room);
    }, PRESENCE_REPORT_MS);
    timer.unref();
    io.httpServer?.once('close', () => clearInterval(timer));
  }
  const refuse = (next: (err?: Error) => void, err: BatonError) => next(Object.assign(new Error(err.message), { data: err.toJSON() }));

  // The handshake: who is connecting. A failure inside it refuses the socket, never an unhandled rejection.
  const handshake = async (socket: BatonSocket, next: (err?: Error) => void) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) return refuse(next, fromZodError(parsed.error, 'auth'));
    const { token, share } = parsed.data;
    const raw = socket.handshake.headers;
    const headers = new Headers();
    if (token) headers.set('authorization', `Bearer ${token}`);
    else if (typeof raw.cookie === 'string') {
      // A cookie is ambient: only our own pages may use it to open a socket (no cross-site hijacking).
      if (!share && !isSameOriginRequest(raw)) return refuse(next, new BatonError('forbidden', 'origin: cross-site socket refused', { field: 'origin' }));
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
  };
  io.use((socket, next) => {
    handshake(socket, next).catch((err: unknown) => {
      logger.error({ err }, 'socket handshake failed');
      refuse(next, new BatonError('internal', 'Internal error'));
    });
  });

  io.on('connection', (socket) => {
    const asCaller = (): Caller => ({ principal: socket.data.principal, ip: socket.data.ip, via: 'socket' });
    /** The caller as of now: a revoked token or changed role applies to the very next event. */
    const caller = () => {
      try {
        const p = gate.caller(asCaller());
        socket.data.principal = p;
        return p;
      } catch (err) {
        setImmediate(() => socket.disconnect(true));
        throw err;
      }
    };
    /** A write: the caller re-read, then the gate's checklist. */
    const write = <T>(op: GateOp<T>) => gate.write({ ...asCaller(), principal: caller(), fresh: true }, op);

    on(socket, 'subscribe', logger, gate.maxDepth, ({ rooms, sinceSeq }): SubscribeResult => {
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

    on(socket, 'unsubscribe', logger, gate.maxDepth, ({ rooms }) => {
      caller();
      for (const room of rooms) void socket.leave(room);
      return { rooms };
    });

    on(socket, 'memory:store', logger, gate.maxDepth, (input) => write(storeOp(memory, input)));
    on(socket, 'memory:delete', logger, gate.maxDepth, (input) => write(deleteOp(memory, input)));
    // Presence, per room the caller may view.
    const presenceName = (p: Principal) => (p.kind === 'user' ? p.name || p.email : p.kind === 'token' || p.kind === 'local' ? p.name : 'Shared screen');
    on(socket, 'presence:set', logger, gate.maxDepth, ({ room, focus }) => {
      const p = caller();
      authorize(p, roomPermission(room));
      void socket.join(`presence:${room}`);
      presence.set(room, {
        socketId: socket.id,
        id: `${p.kind}:${p.id}`,
        name: presenceName(p),
        kind: p.kind === 'local' ? 'token' : p.kind,
        focus: focus ?? null,
        since: new Date().toISOString(),
      });
      broadcastPresence(room);
      if (room === DASHBOARD_ROOM)
        for (const board of presence.roomNames().filter((r) => r.startsWith('session:'))) socket.emit('presence:state', stateOf(board));
      return stateOf(room);
    });
    on(socket, 'presence:leave', logger, gate.maxDepth, ({ room }) => {
      void socket.leave(`presence:${room}`);
      for (const changed of presence.remove(socket.id, room)) broadcastPresence(changed);
      return { room };
    });
    socket.on('disconnect', () => {
      for (const changed of presence.remove(socket.id)) broadcastPresence(changed);
    });

    on(socket, 'memory:retrieve', logger, gate.maxDepth, (input) => {
      authorize(caller(), { action: 'memory:read', namespace: namespaceOf(input.namespace) });
      return memory.retrieve(input);
    });
  });
  return presence;
}

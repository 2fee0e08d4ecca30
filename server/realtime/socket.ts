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
  MAX_REPLAY,
} from '../../lib/events.ts';
import type { ChangeFeed } from '../feed/feed.ts';
import type { MemoryService } from '../memory/service.ts';
import type { Logger } from '../logger.ts';

export interface SocketData {
  actor: string;
}
export type BatonServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BatonSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface Deps {
  memory: MemoryService;
  feed: ChangeFeed;
  logger: Logger;
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

export function registerSocketHandlers(io: BatonServer, { memory, feed, logger }: Deps): void {
  io.use((socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
    if (!parsed.success) {
      const err = fromZodError(parsed.error, 'auth');
      return next(Object.assign(new Error(err.message), { data: err.toJSON() }));
    }
    socket.data.actor = parsed.data.name ? `web:${parsed.data.name}` : 'web';
    next();
  });

  io.on('connection', (socket) => {
    on(socket, 'subscribe', logger, ({ rooms, sinceSeq }): SubscribeResult => {
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
      for (const room of rooms) void socket.leave(room);
      return { rooms };
    });

    on(socket, 'memory:store', logger, (input) => memory.storeSoon(input, socket.data.actor));
    on(socket, 'memory:delete', logger, (input) => memory.deleteSoon(input, socket.data.actor));
    on(socket, 'memory:retrieve', logger, (input) => memory.retrieve(input));
  });
}

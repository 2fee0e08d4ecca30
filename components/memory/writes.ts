'use client';

import type { ApiError } from '../../lib/errors';
import type { Ack } from '../../lib/events';
import type { BatonSocket } from '../../lib/feed-client';
import type { DeleteResult, StoreResult } from '../../lib/memory-types';

const notConnected: ApiError = { code: 'internal', message: 'Not connected to Baton; try again when the indicator says Live.' };

async function emit<T>(socket: BatonSocket | null, run: (s: BatonSocket) => Promise<Ack<T>>): Promise<Ack<T>> {
  if (!socket) return { ok: false, error: notConnected };
  try {
    return await run(socket.timeout(10_000));
  } catch {
    return { ok: false, error: { code: 'internal', message: 'Baton did not answer within 10 s; the write may not have happened.' } };
  }
}

/** Browser writes go over the socket; the ack arrives after commit, the broadcast from the feed. */
export function storeEntry(socket: BatonSocket | null, input: { namespace: string; key: string; value: string; ttl?: number | null; ifVersion?: number }) {
  return emit<StoreResult>(socket, (s): Promise<Ack<StoreResult>> => s.emitWithAck('memory:store', input));
}

export function deleteEntry(socket: BatonSocket | null, input: { namespace: string; key: string }) {
  return emit<DeleteResult>(socket, (s): Promise<Ack<DeleteResult>> => s.emitWithAck('memory:delete', input));
}

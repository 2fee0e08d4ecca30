'use client';

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Change } from '../../lib/events';
import { followFeed, type BatonSocket, type FeedStatus } from '../../lib/feed-client';

/** `closed`: the server ended this tab's connection (its access was taken away); it does not come back on its own. */
export type ConnectionStatus = FeedStatus | 'offline' | 'closed';

interface ConnectionContextValue {
  socket: BatonSocket | null;
  status: ConnectionStatus;
  reportStatus: (id: string, status: FeedStatus | null) => void;
  /**
   * The server closed this tab's connection on purpose (its access was taken away: a revoked share
   * link or token, a disabled account). Socket.IO never reconnects after that on its own.
   */
  closedByServer: boolean;
  /** Connects again after a close by the server (when a check shows access is still there). */
  reconnect: () => void;
}

const ConnectionContext = createContext<ConnectionContextValue>({
  socket: null,
  status: 'connecting',
  reportStatus: () => {},
  closedByServer: false,
  reconnect: () => {},
});

const rank: Record<ConnectionStatus, number> = { live: 0, 'catching-up': 1, connecting: 2, reconnecting: 3, offline: 4, closed: 5 };

/** One Socket.IO connection per tab, shared by every live view on the page. */
export function ConnectionProvider({ children }: { children: ReactNode }) {
  const [socket, setSocket] = useState<BatonSocket | null>(null);
  const [connected, setConnected] = useState<ConnectionStatus>('connecting');
  const [followers, setFollowers] = useState<Record<string, FeedStatus>>({});
  const [closedByServer, setClosedByServer] = useState(false);

  useEffect(() => {
    const name = localStorage.getItem('baton-name') ?? undefined;
    // A board or meeting screen opened with a read-only share link (/sessions/<id>?share=…,
    // /present/<id>?share=…) has no sign-in: the link is its credential.
    const share = /^\/(sessions|present)\/[^/]+$/.test(location.pathname) ? new URLSearchParams(location.search).get('share') : null;
    const s: BatonSocket = io({ auth: { protocol: PROTOCOL_VERSION, name, ...(share ? { share } : {}) }, transports: ['websocket', 'polling'] });
    s.on('connect', () => {
      setClosedByServer(false);
      setConnected('live');
    });
    s.on('disconnect', (reason) => {
      setConnected('reconnecting');
      if (reason === 'io server disconnect') setClosedByServer(true);
    });
    s.io.on('reconnect_attempt', () => setConnected('reconnecting'));
    s.on('connect_error', () => setConnected((c) => (c === 'connecting' ? 'connecting' : 'reconnecting')));
    setSocket(s);
    return () => {
      s.close();
    };
  }, []);

  const reportStatus = (id: string, status: FeedStatus | null) =>
    setFollowers((prev) => {
      const next = { ...prev };
      if (status) next[id] = status;
      else delete next[id];
      return next;
    });

  // The page is as live as its least-live follower.
  const status = closedByServer ? 'closed' : Object.values(followers).reduce<ConnectionStatus>((worst, s) => (rank[s] > rank[worst] ? s : worst), connected);

  const reconnect = useCallback(() => socket?.connect(), [socket]);

  return <ConnectionContext.Provider value={{ socket, status, reportStatus, closedByServer, reconnect }}>{children}</ConnectionContext.Provider>;
}

export function useConnection() {
  return useContext(ConnectionContext);
}

/**
 * Follows the feed for `rooms` from `sinceSeq` (the seq of the snapshot the view loaded; null while
 * it loads). `onChanges` gets each change once, in order; `onResync` reloads and returns the new seq.
 */
export function useFeed(rooms: string[], sinceSeq: number | null, onChanges: (changes: Change[]) => void, onResync: () => Promise<number>) {
  const { socket, reportStatus } = useConnection();
  const handlers = useRef({ onChanges, onResync });
  handlers.current = { onChanges, onResync };
  const roomsKey = rooms.join('|');

  useEffect(() => {
    if (!socket || sinceSeq === null) return;
    const id = Math.random().toString(36).slice(2);
    const follower = followFeed(socket, {
      rooms: roomsKey.split('|'),
      sinceSeq,
      onChanges: (changes) => handlers.current.onChanges(changes),
      onResync: () => handlers.current.onResync(),
      onStatus: (status) => reportStatus(id, status),
    });
    return () => {
      follower.close();
      reportStatus(id, null);
    };
    // The snapshot seq is only the starting point; the follower tracks its own position after that.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [socket, roomsKey, sinceSeq === null]);
}

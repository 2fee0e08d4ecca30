'use client';

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Change } from '../../lib/events';
import { followFeed, type BatonSocket, type FeedStatus } from '../../lib/feed-client';

export type ConnectionStatus = FeedStatus | 'offline';

interface ConnectionContextValue {
  socket: BatonSocket | null;
  status: ConnectionStatus;
  reportStatus: (id: string, status: FeedStatus | null) => void;
}

const ConnectionContext = createContext<ConnectionContextValue>({
  socket: null,
  status: 'connecting',
  reportStatus: () => {},
});

const rank: Record<ConnectionStatus, number> = { live: 0, 'catching-up': 1, connecting: 2, reconnecting: 3, offline: 4 };

/** One Socket.IO connection per tab, shared by every live view on the page. */
export function ConnectionProvider({ children }: { children: ReactNode }) {
  const [socket, setSocket] = useState<BatonSocket | null>(null);
  const [connected, setConnected] = useState<ConnectionStatus>('connecting');
  const [followers, setFollowers] = useState<Record<string, FeedStatus>>({});

  useEffect(() => {
    const name = localStorage.getItem('baton-name') ?? undefined;
    // A meeting screen opened with a read-only share link (/present/<id>?share=…) has no sign-in: the link is its credential.
    const share = location.pathname.startsWith('/present/') ? new URLSearchParams(location.search).get('share') : null;
    const s: BatonSocket = io({ auth: { protocol: PROTOCOL_VERSION, name, ...(share ? { share } : {}) }, transports: ['websocket', 'polling'] });
    s.on('connect', () => setConnected('live'));
    s.on('disconnect', () => setConnected('reconnecting'));
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
  const status = Object.values(followers).reduce<ConnectionStatus>(
    (worst, s) => (rank[s] > rank[worst] ? s : worst),
    connected,
  );

  return <ConnectionContext.Provider value={{ socket, status, reportStatus }}>{children}</ConnectionContext.Provider>;
}

export function useConnection() {
  return useContext(ConnectionContext);
}

/**
 * Follows the feed for `rooms` from `sinceSeq` (the seq of the snapshot the view loaded; null while
 * it loads). `onChanges` gets each change once, in order; `onResync` reloads and returns the new seq.
 */
export function useFeed(
  rooms: string[],
  sinceSeq: number | null,
  onChanges: (changes: Change[]) => void,
  onResync: () => Promise<number>,
) {
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

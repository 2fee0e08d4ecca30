'use client';

import { useEffect, useRef } from 'react';
import type { Ack, PresenceState } from '../../lib/events';
import { useConnection } from './connection';

/**
 * Announces this tab in a room (again after every reconnect), passes every `presence:state` the
 * server sends to `onState`, and leaves on unmount. Presence is volatile: never in the change feed.
 * Returns a function to update what we are focused on.
 */
export function usePresence(room: string, onState: (state: PresenceState) => void): (focus: string | null) => void {
  const { socket } = useConnection();
  const handler = useRef(onState);
  handler.current = onState;
  const focus = useRef<string | null>(null);

  useEffect(() => {
    if (!socket) return;
    const listen = (state: PresenceState) => handler.current(state);
    const join = () =>
      socket.emit('presence:set', { room, focus: focus.current }, (ack: Ack<PresenceState>) => {
        if (ack.ok) handler.current(ack.data);
      });
    socket.on('presence:state', listen);
    socket.on('connect', join);
    if (socket.connected) join();
    return () => {
      socket.off('presence:state', listen);
      socket.off('connect', join);
      if (socket.connected) socket.emit('presence:leave', { room }, () => {});
    };
  }, [socket, room]);

  return (next: string | null) => {
    if (next === focus.current || !socket?.connected) return;
    focus.current = next;
    socket.emit('presence:set', { room, focus: next }, () => {});
  };
}

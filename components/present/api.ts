'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { MeetingAction, MeetingState } from '../../lib/meeting';
import type { SessionBoard } from '../../lib/session-types';
import { api } from '../auth/api';
import { useConnection } from '../realtime/connection';

/**
 * The REST calls of the meeting screen. Reads carry the share link's secret when the screen was
 * opened with one (a share viewer has no sign-in); writes go as the signed-in browser.
 */
export function meetingApi(id: string, share: string | null) {
  const base = `/api/v1/sessions/${encodeURIComponent(id)}`;
  const q = share ? `?share=${encodeURIComponent(share)}` : '';
  return {
    board: () => api<SessionBoard & { seq: number }>(`${base}${q}`),
    state: () => api<{ meeting: MeetingState; serverNow: number }>(`${base}/meeting${q}`),
    act: (action: MeetingAction) => api<SessionBoard>(`${base}/meeting`, { method: 'POST', body: action }),
    addDecision: (input: { topic: string; decision: string; rationale?: string | null }) =>
      api<SessionBoard>(`${base}/decisions`, { method: 'POST', body: input }),
    addActionItem: (data: { title: string; owner?: string | null; due?: string | null }) =>
      api<SessionBoard>(`${base}/items`, { method: 'POST', body: { kind: 'action', data } }),
  };
}

/**
 * How far the server's clock is ahead of ours (ms): every screen computes the timer from the
 * server's `startedAt`, so they agree however wrong their own clocks are. Measured on load, after
 * every reconnect and once a minute; the sample with the shortest round trip wins.
 */
export function useServerOffset(load: () => Promise<{ serverNow: number }>): number {
  const [offset, setOffset] = useState(0);
  const best = useRef<{ rtt: number; at: number } | null>(null);
  const { socket } = useConnection();
  const loadRef = useRef(load);
  loadRef.current = load;

  const sample = useCallback(async () => {
    const t0 = Date.now();
    try {
      const { serverNow } = await loadRef.current();
      const t1 = Date.now();
      const rtt = t1 - t0;
      // A fresh sample replaces an old one (clocks drift), a slow one never beats a fast recent one.
      const stale = !best.current || t1 - best.current.at > 5 * 60_000;
      if (stale || rtt <= best.current!.rtt) {
        best.current = { rtt, at: t1 };
        setOffset(serverNow + rtt / 2 - t1);
      }
    } catch {
      // Keep the last offset; the board's own load reports errors.
    }
  }, []);

  useEffect(() => {
    void sample();
    const t = setInterval(() => void sample(), 60_000);
    return () => clearInterval(t);
  }, [sample]);

  useEffect(() => {
    if (!socket) return;
    const again = () => void sample();
    socket.on('connect', again);
    return () => {
      socket.off('connect', again);
    };
  }, [socket, sample]);

  return offset;
}

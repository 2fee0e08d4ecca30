'use client';

import { useCallback, useMemo, useRef, useState } from 'react';
import { SELF } from '../../lib/notices';
import { sessionRoom, type Change } from '../../lib/events';
import type { SessionBoard } from '../../lib/session-types';
import { useFeed } from '../realtime/connection';
import { useSnapshot } from '../realtime/use-snapshot';

/** Who made a version of a board: the feed's label (for display) and id (`user:<id>`…, to tell my own changes). */
export interface BoardWriter {
  label: string;
  id: string | null;
}

/** A newer board wins; an older one (a late mutation answer, a replayed change) is ignored. */
export const newer = (next: SessionBoard) => (cur: SessionBoard | null) => (!cur || next.version > cur.version ? next : cur);

/**
 * One session's board, live: a snapshot over REST (with the feed seq it is consistent with), then
 * every change to `session:<id>` (each carries the whole board). Used by the board page and the
 * meeting screen. `apply` takes a board from a mutation's answer.
 */
export function useLiveBoard(id: string, fetchBoard: () => Promise<SessionBoard & { seq: number }>) {
  const [board, setBoard] = useState<SessionBoard | null>(null);
  /** Who wrote each version we saw: the feed names them (label and id); a mutation's answer is this screen's own. */
  const writers = useRef(new Map<number, BoardWriter>());
  const remember = (version: number, writer: BoardWriter) => {
    if (!writers.current.has(version)) writers.current.set(version, writer);
    if (writers.current.size > 500) writers.current.delete(writers.current.keys().next().value!);
  };
  const apply = useCallback((next: SessionBoard) => {
    remember(next.version, { label: SELF, id: SELF });
    setBoard(newer(next));
  }, []);
  const writerOf = useCallback((version: number) => writers.current.get(version) ?? null, []);
  const load = useCallback(async () => {
    const { seq: head, ...b } = await fetchBoard();
    setBoard((cur) => (!cur || b.version >= cur.version ? b : cur));
    return head;
  }, [fetchBoard]);
  const { seq, failure, setFailure, reload, attempt } = useSnapshot(load);
  const rooms = useMemo(() => [sessionRoom(id)], [id]);
  useFeed(
    rooms,
    seq,
    (changes: Change[]) => {
      for (const c of changes) {
        if (c.topic !== 'session' || c.key !== id || !c.value) continue;
        try {
          const next = JSON.parse(c.value) as SessionBoard & { writerId?: string | null };
          remember(next.version, { label: c.actor, id: next.writerId ?? null });
          setBoard(newer(next));
        } catch {
          // A malformed change is skipped; the next one (or a resync) brings the board back in line.
        }
      }
    },
    reload,
  );
  return { board, apply, failure, setFailure, attempt, writerOf };
}

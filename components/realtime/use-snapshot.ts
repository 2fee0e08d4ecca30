'use client';

import { useCallback, useEffect, useState } from 'react';
import { ApiRequestError, apiError } from '../auth/api';

export interface SnapshotFailure {
  /** The HTTP status (404: nothing there), or 0 when the server could not be reached. */
  status: number;
  message: string;
}

/**
 * A live view's first step: load a snapshot over REST (`load` applies it and returns the feed seq
 * it is consistent with), then follow the feed from `seq`. `reload` is the same load for a resync;
 * `attempt` retries after a failure.
 */
export function useSnapshot(load: () => Promise<number>) {
  const [seq, setSeq] = useState<number | null>(null);
  const [failure, setFailure] = useState<SnapshotFailure | null>(null);

  const reload = useCallback(async () => {
    const head = await load();
    setFailure(null);
    return head;
  }, [load]);

  const attempt = useCallback(() => {
    setFailure(null);
    reload()
      .then(setSeq)
      .catch((e) => setFailure({ status: e instanceof ApiRequestError ? e.status : 0, message: apiError(e).message }));
  }, [reload]);
  useEffect(attempt, [attempt]);

  return { seq, failure, setFailure, reload, attempt };
}

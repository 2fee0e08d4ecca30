'use client';

import { useCallback, useState } from 'react';
import { apiError } from '../auth/api';

/**
 * One control's mutations: which are in flight (to disable their buttons) and the last failure,
 * with the API's own message. `run` resolves to the result, or undefined when it failed.
 */
export function useAction() {
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async <T>(key: string, fn: () => Promise<T>): Promise<T | undefined> => {
    setPending((p) => new Set(p).add(key));
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(apiError(err).message);
      return undefined;
    } finally {
      setPending((p) => {
        const next = new Set(p);
        next.delete(key);
        return next;
      });
    }
  }, []);

  return { pending, busy: pending.size > 0, error, setError, run };
}

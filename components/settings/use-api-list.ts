'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, apiError } from '../auth/api';

/** A settings list (`{ items }` from GET path): loaded on mount, reloadable, with its load error. */
export function useApiList<T>(path: string): { items: T[] | null; loadError: string | null; reload: () => Promise<void> } {
  const [items, setItems] = useState<T[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setItems((await api<{ items: T[] }>(path)).items);
      setLoadError(null);
    } catch (err) {
      setLoadError(apiError(err).message);
    }
  }, [path]);
  useEffect(() => void reload(), [reload]);
  return { items, loadError, reload };
}

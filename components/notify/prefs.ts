'use client';

import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { DEFAULT_NOTIFY_PREFS, type NotifyPrefs } from '../../lib/notify';
import { api } from '../auth/api';
import { useMe } from '../auth/me';

/**
 * This person's notification preferences, the one source of truth for every notice in the page
 * (board pop-ups, handoff toasts, the header's browser notifications): stored on the server
 * (GET/PUT /api/v1/me/notifications), read once per page and shared, so a change in Settings
 * reaches the header and the boards at once.
 */
let current: NotifyPrefs = DEFAULT_NOTIFY_PREFS;
let loadedFor: string | null = null;
/** False until the server answered: notices wait for it rather than use defaults the person may have changed. */
let ready = false;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const set = (p: NotifyPrefs) => {
  current = p;
  ready = true;
  emit();
};

export type NotifyPrefsPatch = Partial<{ popups: Partial<NotifyPrefs['popups']>; browser: Partial<NotifyPrefs['browser']>; quiet: boolean }>;

export function useNotifyPrefs(): [NotifyPrefs, (patch: NotifyPrefsPatch) => Promise<void>, boolean] {
  const { me, state } = useMe();
  const myId = me?.id ?? null;
  useEffect(() => {
    if (!myId || loadedFor === myId) return;
    loadedFor = myId;
    ready = false;
    api<NotifyPrefs>('/api/v1/me/notifications')
      .then(set)
      .catch(() => {
        loadedFor = null;
      });
  }, [myId]);
  const prefs = useSyncExternalStore(
    subscribe,
    () => current,
    () => DEFAULT_NOTIFY_PREFS,
  );
  const isReady = useSyncExternalStore(
    subscribe,
    () => ready,
    () => false,
  );
  const update = useCallback(async (patch: NotifyPrefsPatch) => {
    // Shown at once (a checkbox follows the click); the server's answer then is the truth, and a
    // refusal puts back what was there.
    const before = current;
    set({ popups: { ...current.popups, ...patch.popups }, browser: { ...current.browser, ...patch.browser }, quiet: patch.quiet ?? current.quiet });
    try {
      set(await api<NotifyPrefs>('/api/v1/me/notifications', { method: 'PUT', body: patch }));
    } catch (err) {
      set(before);
      throw err;
    }
  }, []);
  // No account (a share link's screen): the defaults are the settings.
  return [prefs, update, isReady || state.status === 'signed-out' || state.status === 'error'];
}

/** How others' changes show on a board: the person's setting, unless this board overrides it; quiet mode wins. */
export function boardNoticeMode(prefs: NotifyPrefs, override: 'popups' | 'list' | null): 'popups' | 'list' {
  if (prefs.quiet) return 'list';
  return override ?? (prefs.popups.boardChanges ? 'popups' : 'list');
}

'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';

/**
 * "Removed … · Undo": one offer at a time, for the page's board. Any section offers it after a
 * delete; the bar (mounted once by the board) shows it for a few seconds.
 */
interface Offer {
  id: number;
  text: string;
  undo: () => Promise<unknown>;
}

let current: Offer | null = null;
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function offerUndo(text: string, undo: () => Promise<unknown>) {
  current = { id: nextId++, text, undo };
  emit();
}
const clear = (id: number) => {
  if (current?.id === id) {
    current = null;
    emit();
  }
};
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** How long Undo is offered. */
export const UNDO_MS = 10_000;

export function UndoBar() {
  const offer = useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  );
  const [state, setState] = useState<'idle' | 'busy' | { error: string }>('idle');
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  useEffect(() => {
    setState('idle');
    if (!offer) return;
    const t = setTimeout(() => clear(offer.id), UNDO_MS);
    return () => clearTimeout(t);
  }, [offer]);
  // Leaving the page drops the offer.
  useEffect(() => () => void (current = null), []);
  if (!offer || !mounted) return null;
  const run = async () => {
    setState('busy');
    try {
      await offer.undo();
      clear(offer.id);
    } catch (e) {
      setState({ error: e instanceof Error ? e.message : 'Undo failed' });
    }
  };
  return createPortal(
    <div
      role="status"
      data-testid="undo-bar"
      className="fixed bottom-4 left-1/2 z-50 flex w-max max-w-[calc(100vw-2rem)] -translate-x-1/2 items-center gap-3 rounded-lg bg-slate-900 px-4 py-2.5 text-sm text-white shadow-xl dark:bg-slate-100 dark:text-slate-900"
    >
      <span className="min-w-0 break-words">{typeof state === 'object' ? `Undo failed: ${state.error}` : offer.text}</span>
      <button
        type="button"
        onClick={() => void run()}
        disabled={state === 'busy'}
        className="shrink-0 rounded-md px-2 py-1 font-semibold text-sky-300 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-current disabled:opacity-60 dark:text-sky-700"
      >
        {state === 'busy' ? 'Undoing…' : 'Undo'}
      </button>
      <button type="button" onClick={() => clear(offer.id)} aria-label="Dismiss" className="shrink-0 rounded px-1 opacity-70 hover:opacity-100">
        ✕
      </button>
    </div>,
    document.body,
  );
}

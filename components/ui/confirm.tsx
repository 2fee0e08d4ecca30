'use client';

import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Ask {
  title: string;
  body: ReactNode;
  confirm: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

/**
 * The app's own confirmation (instead of the browser's confirm()): a native modal <dialog>, so the
 * page behind is inert; focus starts on the confirming button, so Enter confirms; Esc (or Cancel)
 * cancels; either way focus goes back to what had it before (the button that asked). `const
 * [confirm, dialog] = useConfirm()`; render `dialog`, then `if (!(await confirm({...}))) return;`.
 */
export function useConfirm(): [(ask: Omit<Ask, 'resolve'>) => Promise<boolean>, ReactNode] {
  const [ask, setAsk] = useState<Ask | null>(null);
  const confirm = useCallback((a: Omit<Ask, 'resolve'>) => new Promise<boolean>((resolve) => setAsk({ ...a, resolve })), []);
  const done = (ok: boolean) => {
    ask?.resolve(ok);
    setAsk(null);
  };
  return [confirm, <ConfirmDialog key="confirm" ask={ask} onDone={done} />];
}

function ConfirmDialog({ ask, onDone }: { ask: Ask | null; onDone: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (ask && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      confirmRef.current?.focus();
    }
    if (!ask && d.open) {
      d.close();
      // Back to the button that asked (if it is still there: a revoked row may have changed it).
      if (opener.current?.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [ask]);
  return (
    <dialog
      ref={ref}
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      // Named only while open: a page may hold several (one per section).
      data-testid={ask ? 'confirm-dialog' : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onDone(false);
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      {ask && (
        <div className="p-5">
          <h2 id={titleId} className="text-lg font-semibold">
            {ask.title}
          </h2>
          <div id={bodyId} className="mt-2 text-sm text-slate-600 dark:text-slate-300">
            {ask.body}
          </div>
          <div className="mt-5 flex flex-wrap justify-end gap-2">
            <button
              type="button"
              data-testid="confirm-cancel"
              onClick={() => onDone(false)}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-accent-500 dark:border-slate-600 dark:hover:bg-slate-800"
            >
              Cancel
            </button>
            <button
              ref={confirmRef}
              type="button"
              data-testid="confirm-ok"
              onClick={() => onDone(true)}
              className={`rounded-md px-3 py-1.5 text-sm font-semibold text-white focus-visible:outline-2 focus-visible:outline-offset-2 ${ask.danger ? 'bg-rose-600 hover:bg-rose-500 focus-visible:outline-rose-600' : 'bg-accent-600 hover:bg-accent-500 focus-visible:outline-accent-500'}`}
            >
              {ask.confirm}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

'use client';

import * as Dialog from '@radix-ui/react-dialog';
import { Command } from 'cmdk';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionSummary } from '../../lib/session-types';
import { apiError } from '../auth/api';
import { useMe } from '../auth/me';
import { sessionsApi } from '../boards/api';
import { statusLook, typeLabel } from '../boards/look';
import { usePaletteRegistry } from './registry';

const PAGES = [
  { href: '/', label: 'Dashboard', keywords: ['home', 'overview'] },
  { href: '/sessions', label: 'Sessions', keywords: ['boards', 'list'] },
  { href: '/memory', label: 'Memory', keywords: ['explorer', 'keys', 'namespaces'] },
  { href: '/handoffs', label: 'Handoffs', keywords: ['inbox', 'handover'] },
  { href: '/analytics', label: 'Analytics', keywords: ['stats', 'metrics', 'charts', 'report'] },
  { href: '/settings', label: 'Settings', keywords: ['tokens', 'share links', 'members', 'account'] },
];

/** `/sessions/<id>` → the session id (decoded); anything else → null. */
function boardIdOf(pathname: string | null): string | null {
  const m = /^\/sessions\/([^/]+)\/?$/.exec(pathname ?? '');
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1]!;
  }
}

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

function Item({
  value,
  keywords,
  onSelect,
  children,
  hint,
  testId,
}: {
  value: string;
  keywords?: string[];
  onSelect: () => void;
  children: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <Command.Item
      value={value}
      keywords={keywords}
      onSelect={onSelect}
      data-testid={testId}
      className="flex cursor-pointer items-center gap-3 rounded-lg px-3 py-2.5 text-[0.95rem] text-slate-800 aria-selected:bg-accent-600 aria-selected:text-white data-[disabled=true]:opacity-50 dark:text-slate-100"
    >
      <span className="min-w-0 flex-1 truncate">{children}</span>
      {hint && <span className="shrink-0 text-xs opacity-70">{hint}</span>}
    </Command.Item>
  );
}

const groupCls =
  'px-1 pb-1 [&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:pt-3 [&_[cmdk-group-heading]]:text-[0.7rem] [&_[cmdk-group-heading]]:font-bold [&_[cmdk-group-heading]]:uppercase [&_[cmdk-group-heading]]:tracking-wider [&_[cmdk-group-heading]]:text-slate-500 dark:[&_[cmdk-group-heading]]:text-slate-400';

/**
 * The command palette (Ctrl/Cmd+K), on every page for signed-in people: go to a page, open any
 * session by title, and what the current page offers (a board: present it, add a checkpoint; the
 * meeting screen: next item, timer, decision, action item). Keyboard only: arrows, Enter, Esc;
 * focus stays inside while it is open. Write actions only for members and admins; share-link
 * screens (no sign-in) get no palette at all.
 */
export function CommandPalette() {
  const { me, role, state } = useMe();
  const router = useRouter();
  const pathname = usePathname();
  const { commands } = usePaletteRegistry();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [sessions, setSessions] = useState<SessionSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [toast, setToast] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const canWrite = role === 'admin' || role === 'member';
  const boardId = boardIdOf(pathname);
  const signedIn = !!me;

  // Ctrl/Cmd+K toggles; pressed while we still ask who is signed in, it opens once we know.
  const [wanted, setWanted] = useState(false);
  const loading = state.status === 'loading';
  useEffect(() => {
    if (!signedIn && !loading) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        if (signedIn) setOpen((o) => !o);
        else setWanted(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [signedIn, loading]);
  useEffect(() => {
    if (!wanted || loading) return;
    if (signedIn) setOpen(true);
    setWanted(false);
  }, [wanted, loading, signedIn]);

  // Sessions are fetched each time the palette opens: titles change, new sessions appear.
  useEffect(() => {
    if (!open) return;
    setSearch('');
    let live = true;
    setLoadError(null);
    sessionsApi
      // Archived sessions (SESSION_ARCHIVE_DAYS) are off the lists but can still be found here.
      .list({ limit: 200, archived: 'true' })
      .then((r) => live && setSessions(r.items))
      .catch((e) => live && setLoadError(apiError(e).message));
    return () => {
      live = false;
    };
  }, [open]);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 4000);
    return () => clearTimeout(t);
  }, [toast]);

  const run = useCallback((fn: () => void) => {
    setOpen(false);
    // After the dialog has closed and given focus back, so a page dialog the command opens keeps it.
    setTimeout(fn, 0);
  }, []);
  const go = (href: string) => run(() => router.push(href));

  const checkpoint = (id: string) =>
    run(() => {
      sessionsApi
        .createCheckpoint(id, '')
        .then((b) => setToast({ kind: 'ok', text: `Checkpoint saved on “${b.title}”` }))
        .catch((e) => setToast({ kind: 'error', text: `Checkpoint failed: ${apiError(e).message}` }));
    });

  const groups = useMemo(() => {
    const byGroup = new Map<string, typeof commands>();
    for (const c of commands) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
    return [...byGroup];
  }, [commands]);

  if (!signedIn) return null;
  const boardTitle = boardId ? (sessions?.find((s) => s.id === boardId)?.title ?? boardId) : null;

  return (
    <>
      <Dialog.Root open={open} onOpenChange={setOpen}>
        <Dialog.Portal>
          <Dialog.Overlay className="fixed inset-0 z-50 bg-slate-950/60 backdrop-blur-[2px]" />
          <Dialog.Content
            data-testid="command-palette"
            className="fixed left-1/2 top-[12vh] z-50 w-[calc(100%-1.5rem)] max-w-xl -translate-x-1/2 overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-2xl focus:outline-none dark:border-slate-700 dark:bg-slate-900"
          >
            <Dialog.Title className="sr-only">Command palette</Dialog.Title>
            <Dialog.Description className="sr-only">
              Type to find a page, a session or an action; arrows to choose, Enter to run, Escape to close.
            </Dialog.Description>
            <Command label="Commands" loop className="flex max-h-[70vh] flex-col">
              <div className="flex items-center gap-2 border-b border-slate-200 px-4 dark:border-slate-700">
                <span aria-hidden className="text-xl text-slate-400">
                  ⌕
                </span>
                <Command.Input
                  value={search}
                  onValueChange={setSearch}
                  placeholder="Go to, open a session, or run a command…"
                  className="h-14 w-full min-w-0 bg-transparent text-base text-slate-900 placeholder:text-slate-400 focus:outline-none dark:text-slate-100"
                />
                <kbd className="shrink-0 rounded border border-slate-300 px-1.5 text-[0.7rem] text-slate-500 dark:border-slate-600 dark:text-slate-400">
                  Esc
                </kbd>
              </div>
              <Command.List className="min-h-0 flex-1 overflow-y-auto overscroll-contain py-1">
                <Command.Empty className="px-4 py-8 text-center text-sm text-slate-500 dark:text-slate-400">Nothing matches “{search}”.</Command.Empty>

                {groups.map(([group, list]) => (
                  <Command.Group key={group} heading={group} className={groupCls}>
                    {list.map((c) => (
                      <Item
                        key={c.id}
                        value={`${group} ${c.label}`}
                        keywords={c.keywords}
                        onSelect={() => run(c.run)}
                        hint={c.shortcut && <kbd>{c.shortcut}</kbd>}
                        testId={`cmd-${c.id}`}
                      >
                        {c.label}
                      </Item>
                    ))}
                  </Command.Group>
                ))}

                {boardId && (
                  <Command.Group heading="This session" className={groupCls}>
                    <Item
                      value="present this session"
                      keywords={['meeting', 'projector', 'screen', 'share']}
                      onSelect={() => go(`/present/${encodeURIComponent(boardId)}`)}
                      testId="cmd-present"
                    >
                      Present this session
                    </Item>
                    {canWrite && (
                      <Item
                        value="add checkpoint"
                        keywords={['save', 'snapshot']}
                        onSelect={() => checkpoint(boardId)}
                        hint={<kbd>c</kbd>}
                        testId="cmd-checkpoint"
                      >
                        Add checkpoint{boardTitle ? ` to “${boardTitle}”` : ''}
                      </Item>
                    )}
                  </Command.Group>
                )}

                <Command.Group heading="Go to" className={groupCls}>
                  {PAGES.map((p) => (
                    <Item
                      key={p.href}
                      value={`go to ${p.label}`}
                      keywords={p.keywords}
                      onSelect={() => go(p.href)}
                      hint={pathname === p.href ? 'here' : undefined}
                      testId={`cmd-go-${p.label.toLowerCase()}`}
                    >
                      {p.label}
                    </Item>
                  ))}
                </Command.Group>

                <Command.Group heading="Sessions" className={groupCls}>
                  {sessions === null && !loadError && (
                    <Command.Loading>
                      <p className="px-3 py-2 text-sm text-slate-500 dark:text-slate-400">Loading sessions…</p>
                    </Command.Loading>
                  )}
                  {loadError && (
                    <p className="px-3 py-2 text-sm text-rose-700 dark:text-rose-300" role="alert">
                      Could not load sessions: {loadError}
                    </p>
                  )}
                  {sessions?.length === 0 && <p className="px-3 py-2 text-sm text-slate-500 dark:text-slate-400">No sessions yet.</p>}
                  {sessions?.map((s) => (
                    <Item
                      key={s.id}
                      value={`open ${s.title} ${s.id}`}
                      keywords={[s.project ?? '', s.type, s.owner ?? ''].filter(Boolean)}
                      onSelect={() => go(`/sessions/${encodeURIComponent(s.id)}`)}
                      hint={`${typeLabel[s.type] ?? s.type} · ${statusLook[s.status]?.label ?? s.status}`}
                      testId="cmd-session"
                    >
                      {s.title}
                      {s.project && <span className="opacity-70"> · {s.project}</span>}
                      <span className="ml-2 font-mono text-xs opacity-60">{s.id}</span>
                    </Item>
                  ))}
                </Command.Group>
              </Command.List>
              <div className="flex items-center gap-4 border-t border-slate-200 px-4 py-2 text-xs text-slate-500 dark:border-slate-700 dark:text-slate-400">
                <span>
                  <kbd>↑</kbd> <kbd>↓</kbd> choose
                </span>
                <span>
                  <kbd>Enter</kbd> run
                </span>
                <span className="ml-auto">{isMac() ? '⌘' : 'Ctrl'} K to close</span>
              </div>
            </Command>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
      {toast && (
        <p
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid="palette-toast"
          className={`fixed bottom-5 right-5 z-50 max-w-sm rounded-xl px-4 py-3 text-sm font-semibold shadow-xl ${toast.kind === 'error' ? 'bg-rose-700 text-white' : 'bg-slate-900 text-white dark:bg-white dark:text-slate-900'}`}
        >
          {toast.text}
        </p>
      )}
    </>
  );
}

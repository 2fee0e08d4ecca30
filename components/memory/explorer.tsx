'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ALL_MEMORY_ROOM, namespaceRoom, type Change } from '../../lib/events';
import { globToRegExp } from '../../lib/glob';
import type { MemoryEntry, SearchHit } from '../../lib/memory-types';
import { useCanWrite, useMe } from '../auth/me';
import { useConnection, useFeed } from '../realtime/connection';
import { countdown } from '../ui/format';
import { useNow } from '../ui/use-now';
import { useConfirm } from '../ui/confirm';
import { AgentHowTo } from './agent-howto';
import { memoryApi } from './api';
import { applyChanges, applyCounts, isExpired } from './apply';
import { EntryForm } from './entry-form';
import { EntryPanel } from './entry-panel';
import { Highlighted } from './highlight';
import { buildTree, visibleLeaves, type TreeFolder } from './tree';
import { deleteEntry } from './writes';

const COUNT_ROOMS = [ALL_MEMORY_ROOM];
const FLASH_MS = 1600;

interface NamespaceSnapshot {
  namespace: string;
  entries: Map<string, MemoryEntry>;
  seq: number;
}

export function MemoryExplorer() {
  const [confirm, confirmDialog] = useConfirm();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const { socket } = useConnection();
  const now = useNow(1000);
  // Viewers read only: no edit controls or shortcuts (the server refuses their writes anyway).
  const canWrite = useCanWrite();
  const readOnly = useMe().role === 'viewer';

  const [counts, setCounts] = useState<{ map: Map<string, number>; seq: number } | null>(null);
  const [snapshot, setSnapshot] = useState<NamespaceSnapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<'view' | 'new' | 'edit'>('view');
  const [flashing, setFlashing] = useState<Map<string, number>>(new Map());
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [search, setSearch] = useState({ pattern: '', q: '', allNamespaces: true });
  const [results, setResults] = useState<SearchHit[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const mySeqs = useRef(new Set<number>());
  const onSearchChanges = useRef<(changes: Change[]) => void>(() => {});
  const searchBox = useRef<HTMLInputElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);

  const selectedKey = params.get('key');
  const selectedKeyRef = useRef(selectedKey);
  selectedKeyRef.current = selectedKey;
  const namespace = params.get('ns') ?? (counts ? ([...counts.map.keys()].sort()[0] ?? 'default') : null);

  const navigate = useCallback(
    (ns: string, key: string | null) => {
      const next = new URLSearchParams({ ns });
      if (key) next.set('key', key);
      router.replace(`${pathname}?${next}`, { scroll: false });
    },
    [router, pathname],
  );

  // Namespace counts: a snapshot, then every change in the all-memory room.
  const loadCounts = useCallback(async () => {
    const res = await memoryApi.namespaces();
    setCounts({ map: new Map(res.items.map((n) => [n.namespace, n.count])), seq: res.seq });
    return res.seq;
  }, []);
  useEffect(() => {
    loadCounts().catch((e: Error) => setLoadError(e.message));
  }, [loadCounts]);
  useFeed(
    COUNT_ROOMS,
    counts?.seq ?? null,
    (changes) => {
      setCounts((c) => c && { ...c, map: applyCounts(c.map, changes) });
      onSearchChanges.current(changes);
    },
    loadCounts,
  );

  // Entries of the selected namespace: a snapshot, then the namespace's room.
  const loadEntries = useCallback(async (ns: string) => {
    const res = await memoryApi.listAll(ns);
    setSnapshot({ namespace: ns, entries: new Map(res.items.map((e) => [e.key, e])), seq: res.seq });
    return res.seq;
  }, []);
  useEffect(() => {
    if (!namespace) return;
    setSnapshot(null);
    loadEntries(namespace).catch((e: Error) => setLoadError(e.message));
  }, [namespace, loadEntries]);

  const onNamespaceChanges = useCallback((changes: Change[]) => {
    setSnapshot((s) => s && { ...s, entries: applyChanges(s.entries, changes) });
    const others = changes.filter((c) => !mySeqs.current.has(c.seq));
    if (others.length > 0) {
      const until = Date.now() + FLASH_MS;
      setFlashing((f) => {
        const next = new Map(f);
        for (const c of others) next.set(c.key, until);
        return next;
      });
      const touched = others.find((c) => c.key === selectedKeyRef.current && c.op !== 'store');
      if (touched) setNotice(`“${touched.key}” was ${touched.op === 'delete' ? 'deleted' : 'expired'} by ${touched.actor}.`);
    }
  }, []);
  const snapshotNamespace = snapshot?.namespace;
  // Rooms change with the namespace only, not with every new snapshot of it.
  const nsRooms = useMemo(() => (snapshotNamespace ? [namespaceRoom(snapshotNamespace)] : []), [snapshotNamespace]);
  useFeed(nsRooms, snapshot?.seq ?? null, onNamespaceChanges, () => loadEntries(snapshot?.namespace ?? 'default'));

  // Flash highlights end on their own.
  useEffect(() => {
    if (flashing.size === 0) return;
    const t = setTimeout(() => setFlashing((f) => new Map([...f].filter(([, until]) => until > Date.now()))), FLASH_MS);
    return () => clearTimeout(t);
  }, [flashing]);

  // Entries vanish the moment their TTL passes, before the sweeper's change arrives.
  const entries = useMemo(() => (snapshot ? [...snapshot.entries.values()].filter((e) => !isExpired(e, now)) : []), [snapshot, now]);
  const tree = useMemo(() => buildTree(entries), [entries]);
  const leaves = useMemo(() => visibleLeaves(tree, collapsed), [tree, collapsed]);
  const selected = selectedKey ? entries.find((e) => e.key === selectedKey) : undefined;

  // Search: glob over keys plus text in keys and values (best matches first); re-run when a matching key changes.
  const runSearch = useCallback(async () => {
    if (!search.pattern && !search.q) return setResults(null);
    try {
      const page = await memoryApi.search({
        pattern: search.pattern || undefined,
        q: search.q || undefined,
        namespace: search.allNamespaces ? undefined : (namespace ?? undefined),
      });
      setResults(page.items);
      setSearchError(null);
    } catch (e) {
      setSearchError((e as Error).message);
    }
  }, [search, namespace]);
  useEffect(() => {
    const t = setTimeout(() => void runSearch(), 200);
    return () => clearTimeout(t);
  }, [runSearch]);
  // Open results refresh when a change touches a key the pattern matches.
  const searchMatcher = useMemo(() => (search.pattern ? globToRegExp(search.pattern) : null), [search.pattern]);
  onSearchChanges.current = (changes) => {
    if (results && changes.some((c) => !searchMatcher || searchMatcher.test(c.key))) void runSearch();
  };
  const remove = async (entry: MemoryEntry) => {
    const ok = await confirm({
      title: `Delete “${entry.key}”?`,
      body: `From ${entry.namespace}. Its history is kept.`,
      confirm: 'Delete entry',
      danger: true,
    });
    if (!ok) return;
    const ack = await deleteEntry(socket, { namespace: entry.namespace, key: entry.key });
    if (!ack.ok) return setNotice(`Delete failed: ${ack.error.message}`);
    if (ack.data.seq) mySeqs.current.add(ack.data.seq);
    setNotice(null);
    navigate(entry.namespace, null);
  };

  // Keyboard: / search, n new, e edit, arrows move through keys.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable]') || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === '/') {
        e.preventDefault();
        searchBox.current?.focus();
      } else if (e.key === 'n' && canWrite) {
        e.preventDefault();
        setMode('new');
      } else if (e.key === 'e' && selected && canWrite) {
        e.preventDefault();
        setMode('edit');
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'j' || e.key === 'k') && leaves.length > 0 && namespace) {
        e.preventDefault();
        const i = leaves.findIndex((l) => l.key === selectedKey);
        const step = e.key === 'ArrowDown' || e.key === 'j' ? 1 : -1;
        const next = leaves[Math.min(leaves.length - 1, Math.max(0, i === -1 ? 0 : i + step))]!;
        navigate(namespace, next.key);
        treeRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(next.key)}"]`)?.scrollIntoView({ block: 'nearest' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [leaves, selectedKey, selected, namespace, navigate, canWrite]);

  if (loadError) {
    return (
      <div role="alert" className="m-6 rounded-lg border border-rose-300 bg-rose-50 p-4 text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200">
        Could not load memory: {loadError}{' '}
        <button type="button" className="font-semibold underline" onClick={() => location.reload()}>
          Retry
        </button>
      </div>
    );
  }

  const namespaces = counts ? [...counts.map.entries()].sort(([a], [b]) => a.localeCompare(b)) : null;
  const empty = namespaces !== null && namespaces.length === 0;

  return (
    <div className="mx-auto grid max-w-[100rem] gap-0 lg:grid-cols-[15rem_minmax(18rem,1fr)_minmax(0,1.4fr)]">
      {/* Namespaces */}
      <nav aria-label="Namespaces" className="border-b border-slate-200 p-4 lg:min-h-[calc(100vh-3.5rem)] lg:border-b-0 lg:border-r dark:border-slate-800">
        <div className="mb-3 flex items-center justify-between">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Namespaces</h2>
          {canWrite && (
            <button
              type="button"
              onClick={() => setMode('new')}
              className="rounded-md bg-accent-600 px-2.5 py-1 text-xs font-semibold text-white hover:bg-accent-500"
              title="New entry (n)"
            >
              + New
            </button>
          )}
          {readOnly && (
            <span
              data-testid="read-only-badge"
              title="You have viewer access: you can read memory but not change it"
              className="rounded-full border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 dark:border-slate-700 dark:text-slate-300"
            >
              Read-only
            </span>
          )}
        </div>
        {!namespaces && (
          <p className="text-sm text-slate-500" aria-busy="true">
            Loading…
          </p>
        )}
        <ul className="space-y-0.5" data-testid="namespaces">
          {namespaces?.map(([ns, count]) => (
            <li key={ns}>
              <button
                type="button"
                onClick={() => navigate(ns, null)}
                aria-current={ns === namespace ? 'page' : undefined}
                className={`flex w-full items-center justify-between rounded-md px-2 py-1.5 text-left text-sm ${ns === namespace ? 'bg-accent-600/10 font-semibold text-accent-600 dark:text-accent-500' : 'hover:bg-slate-100 dark:hover:bg-slate-900'}`}
              >
                <span className="truncate font-mono">{ns}</span>
                <span className="ml-2 tabular-nums text-xs text-slate-500" data-testid={`count-${ns}`}>
                  {count}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>

      {/* Search and key tree */}
      <section aria-label="Keys" className="border-b border-slate-200 p-4 lg:border-b-0 lg:border-r dark:border-slate-800">
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            void runSearch();
          }}
          className="space-y-2"
        >
          <label className="sr-only" htmlFor="search-pattern">
            Key pattern
          </label>
          <input
            id="search-pattern"
            ref={searchBox}
            value={search.pattern}
            onChange={(e) => setSearch({ ...search, pattern: e.target.value })}
            placeholder="Key glob: */blockers, session/*  ( / )"
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
          />
          <div className="flex gap-2">
            <label className="sr-only" htmlFor="search-text">
              Text in keys and values
            </label>
            <input
              id="search-text"
              value={search.q}
              onChange={(e) => setSearch({ ...search, q: e.target.value })}
              placeholder="Text in keys and values"
              className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
            />
            <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
              <input type="checkbox" checked={search.allNamespaces} onChange={(e) => setSearch({ ...search, allNamespaces: e.target.checked })} />
              all namespaces
            </label>
          </div>
        </form>

        {searchError && (
          <p role="alert" className="mt-3 text-sm text-rose-600">
            {searchError}
          </p>
        )}
        {results ? (
          <div className="mt-4">
            <div className="mb-2 flex items-center justify-between text-xs text-slate-500">
              <span data-testid="search-count">
                {results.length} {results.length === 1 ? 'match' : 'matches'}
              </span>
              <button type="button" className="underline" onClick={() => setSearch({ ...search, pattern: '', q: '' })}>
                Clear search
              </button>
            </div>
            <ul className="space-y-0.5" data-testid="search-results">
              {results.map((r) => (
                <li key={`${r.namespace}\u0000${r.key}`}>
                  <button
                    type="button"
                    onClick={() => navigate(r.namespace, r.key)}
                    className="w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-900"
                  >
                    <span className="block truncate font-mono">
                      <span className="text-slate-500">{r.namespace} › </span>
                      {r.match ? <Highlighted span={r.match.key} /> : r.key}
                    </span>
                    {r.match && <Highlighted span={r.match.value} className="mt-0.5 line-clamp-2 break-all text-xs text-slate-600 dark:text-slate-400" />}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <div ref={treeRef} className="mt-4" data-testid="key-tree">
            {!snapshot && !empty && (
              <p className="text-sm text-slate-500" aria-busy="true">
                Loading keys…
              </p>
            )}
            {snapshot && entries.length === 0 && !empty && (
              <p className="text-sm text-slate-500">
                No live entries in <span className="font-mono">{snapshot.namespace}</span>.
              </p>
            )}
            {snapshot && entries.length > 0 && (
              <Folder
                folder={tree}
                depth={0}
                collapsed={collapsed}
                onToggle={(path) =>
                  setCollapsed((c) => {
                    const n = new Set(c);
                    if (n.has(path)) n.delete(path);
                    else n.add(path);
                    return n;
                  })
                }
                selectedKey={selectedKey}
                flashing={flashing}
                now={now}
                onSelect={(key) => namespace && navigate(namespace, key)}
              />
            )}
          </div>
        )}
      </section>

      {/* Entry */}
      <section aria-label="Entry" className="p-4 lg:p-6">
        {notice && (
          <div
            role="status"
            className="mb-4 flex items-start justify-between rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
          >
            <span>{notice}</span>
            <button type="button" onClick={() => setNotice(null)} aria-label="Dismiss" className="ml-3">
              ✕
            </button>
          </div>
        )}
        {canWrite && (mode === 'new' || (mode === 'edit' && selected)) ? (
          <EntryForm
            key={mode === 'edit' ? `edit:${selected?.key}` : 'new'}
            entry={mode === 'edit' ? selected : undefined}
            defaultNamespace={namespace ?? 'default'}
            onCancel={() => setMode('view')}
            onSaved={(r) => {
              mySeqs.current.add(r.seq);
              setMode('view');
              navigate(r.namespace, r.key);
            }}
          />
        ) : empty ? (
          <div className="mx-auto max-w-2xl space-y-4 py-8" data-testid="empty-state">
            <h2 className="text-xl font-semibold">No memory yet</h2>
            <AgentHowTo />
            {canWrite && (
              <button
                type="button"
                onClick={() => setMode('new')}
                className="rounded-md bg-accent-600 px-4 py-2 text-sm font-semibold text-white hover:bg-accent-500"
              >
                Create the first entry
              </button>
            )}
          </div>
        ) : selected ? (
          <EntryPanel entry={selected} now={now} onEdit={() => setMode('edit')} onDelete={() => void remove(selected)} />
        ) : (
          <div className="py-12 text-center text-sm text-slate-500">
            {selectedKey ? (
              <p>“{selectedKey}” is not (or no longer) in this namespace.</p>
            ) : (
              <p>
                Pick a key to see its value and history. <kbd className="rounded border px-1">↑</kbd> <kbd className="rounded border px-1">↓</kbd> move,{' '}
                <kbd className="rounded border px-1">/</kbd> searches
                {canWrite && (
                  <>
                    , <kbd className="rounded border px-1">n</kbd> adds
                  </>
                )}
                .
              </p>
            )}
          </div>
        )}
      </section>
      {confirmDialog}
    </div>
  );
}

function Folder(props: {
  folder: TreeFolder;
  depth: number;
  collapsed: Set<string>;
  onToggle: (path: string) => void;
  selectedKey: string | null;
  flashing: Map<string, number>;
  now: number;
  onSelect: (key: string) => void;
}) {
  const { folder, depth, collapsed, onToggle, selectedKey, flashing, now, onSelect } = props;
  return (
    <ul role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? 'Keys' : undefined} className="space-y-0.5">
      {folder.children.map((node) =>
        node.kind === 'folder' ? (
          <li key={`f:${node.path}`} role="treeitem" aria-expanded={!collapsed.has(node.path)} aria-selected={false}>
            <button
              type="button"
              onClick={() => onToggle(node.path)}
              className="flex w-full items-center gap-1 rounded px-1 py-0.5 text-left text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-900"
              style={{ paddingLeft: `${depth * 0.9 + 0.25}rem` }}
            >
              <span aria-hidden className="w-3 text-xs text-slate-400">
                {collapsed.has(node.path) ? '▸' : '▾'}
              </span>
              <span className="font-mono">{node.name}/</span>
              <span className="ml-auto text-xs tabular-nums text-slate-400">{node.count}</span>
            </button>
            {!collapsed.has(node.path) && <Folder {...props} folder={node} depth={depth + 1} />}
          </li>
        ) : (
          <li key={`k:${node.entry.key}`} role="treeitem" aria-selected={node.entry.key === selectedKey}>
            <button
              type="button"
              data-key={node.entry.key}
              data-testid="key-row"
              onClick={() => onSelect(node.entry.key)}
              className={`flex w-full items-center gap-2 rounded px-1 py-0.5 text-left text-sm ${node.entry.key === selectedKey ? 'bg-accent-600 text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-900'} ${flashing.has(node.entry.key) ? 'flash' : ''}`}
              style={{ paddingLeft: `${depth * 0.9 + 1}rem` }}
            >
              <span className="min-w-0 flex-1 truncate font-mono">{node.name}</span>
              {node.entry.expiresAt && (
                <span
                  className={`text-xs tabular-nums ${node.entry.key === selectedKey ? 'text-white/80' : 'text-amber-600 dark:text-amber-400'}`}
                  title="Time to live"
                >
                  TTL {countdown(node.entry.expiresAt, now)}
                </span>
              )}
              <span className={`text-xs tabular-nums ${node.entry.key === selectedKey ? 'text-white/80' : 'text-slate-400'}`}>v{node.entry.version}</span>
            </button>
          </li>
        ),
      )}
    </ul>
  );
}

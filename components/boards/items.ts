'use client';

import { useCallback, useState } from 'react';
import { boardItemSchemas, type BoardFields, type BoardItem, type BoardItemData, type BoardItemKind } from '../../lib/board-items';
import type { ApiError } from '../../lib/errors';
import type { SessionBoard } from '../../lib/session-types';
import { api, apiError } from '../auth/api';
import { useCanWrite } from '../auth/me';
import { offerUndo } from './undo';
import { maxLengthOf, sentence } from '../../lib/validation-messages';

const base = (id: string) => `/api/v1/sessions/${encodeURIComponent(id)}`;

/** The board items REST API (lib/board-items.ts), as the signed-in browser. Each call answers with the new board. */
export const itemsApi = {
  add: <K extends BoardItemKind>(sessionId: string, kind: K, data: Partial<BoardItemData<K>> | Record<string, unknown>) =>
    api<SessionBoard>(`${base(sessionId)}/items`, { method: 'POST', body: { kind, data } }),
  update: (sessionId: string, itemId: number, patch: { data?: Record<string, unknown>; position?: number }) =>
    api<SessionBoard>(`${base(sessionId)}/items/${itemId}`, { method: 'PATCH', body: patch }),
  remove: (sessionId: string, itemId: number) => api<SessionBoard>(`${base(sessionId)}/items/${itemId}`, { method: 'DELETE' }),
  setFields: (sessionId: string, fields: BoardFields) => api<SessionBoard>(`${base(sessionId)}/fields`, { method: 'PATCH', body: fields }),
};

/** The board's items of one kind, in position order. */
export function itemsOf<K extends BoardItemKind>(board: SessionBoard, kind: K): BoardItem<K>[] {
  return (board.items ?? []).filter((i): i is BoardItem<K> => i.kind === kind).sort((a, b) => a.position - b.position || a.id - b.id);
}

/** The board's single-valued fields (sprint goal, capacity, verdict, sign-off, horizon), kept in `details.fields`. */
export function fieldsOf(board: SessionBoard): BoardFields {
  const f = (board.details as { fields?: unknown } | undefined)?.fields;
  return f && typeof f === 'object' && !Array.isArray(f) ? f : {};
}

/** A raw detail the seed recorded (`details.review_scope`, `details.testing_scope`…). */
export function detail<T = unknown>(board: SessionBoard, key: string): T | undefined {
  return (board.details as Record<string, unknown> | undefined)?.[key] as T | undefined;
}
export function detailText(board: SessionBoard, key: string): string | null {
  const v = detail(board, key);
  return typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null;
}
export function detailList(board: SessionBoard, key: string): string[] {
  const v = detail(board, key);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The most characters a board item's text field takes, from its kind's schema (the form's `maxlength`). */
export function itemMax<K extends BoardItemKind>(kind: K, field: string): number | undefined {
  const shape = (boardItemSchemas[kind] as unknown as { shape: Record<string, Parameters<typeof maxLengthOf>[0]> }).shape;
  return maxLengthOf(shape[field]);
}

/** `data.title`, `title`, `capacity.points` → the last segment a form names its input after. */
function fieldName(field: string | undefined): string | null {
  if (!field) return null;
  return field.replace(/^(data|fields)\./, '');
}
/** The server names the field in the message too ("data.title: must not be empty"); under the field, the label says which. */
function bare(error: ApiError): string {
  return sentence(error.message, error.field);
}

export interface BoardEdit {
  /** Keys of the calls in flight (to disable their buttons). */
  pending: ReadonlySet<string>;
  busy: boolean;
  error: ApiError | null;
  clear: () => void;
  /** The API's message for one field of a form (`title`, `line`, `capacity.points`…), or null. */
  errorFor: (name: string) => string | null;
  /** The error no field of `names` shows (so the form shows it once, below itself). */
  otherError: (names: readonly string[]) => string | null;
  add: <K extends BoardItemKind>(kind: K, data: Record<string, unknown>, key?: string) => Promise<boolean>;
  update: (itemId: number, patch: { data?: Record<string, unknown>; position?: number }, key?: string) => Promise<boolean>;
  remove: (itemId: number, key?: string) => Promise<boolean>;
  setFields: (fields: BoardFields, key?: string) => Promise<boolean>;
  /** Any other call answering with a board (goals, decisions…). */
  run: (key: string, fn: () => Promise<SessionBoard>) => Promise<boolean>;
}

/**
 * One board section's edits: calls the items API, hands the answer (the new board) to `onBoard`,
 * tracks what is in flight and keeps the last failure so the field it names can show it.
 */
export function useBoardEdit(board: Pick<SessionBoard, 'id'> & { items?: BoardItem[] }, onBoard: (b: SessionBoard) => void): BoardEdit {
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<ApiError | null>(null);
  const id = board.id;

  const run = useCallback(
    async (key: string, fn: () => Promise<SessionBoard>): Promise<boolean> => {
      setPending((p) => new Set(p).add(key));
      setError(null);
      try {
        onBoard(await fn());
        return true;
      } catch (err) {
        setError(apiError(err));
        return false;
      } finally {
        setPending((p) => {
          const next = new Set(p);
          next.delete(key);
          return next;
        });
      }
    },
    [onBoard],
  );

  const errorFor = (name: string) => (error && fieldName(error.field) === name ? bare(error) : null);
  return {
    pending,
    busy: pending.size > 0,
    error,
    clear: () => setError(null),
    errorFor,
    otherError: (names) => {
      if (!error) return null;
      const f = fieldName(error.field);
      return f && names.includes(f) ? null : sentence(error.message, error.field);
    },
    add: (kind, data, key = `add:${kind}`) => run(key, () => itemsApi.add(id, kind, data)),
    update: (itemId, patch, key = `update:${itemId}`) => run(key, () => itemsApi.update(id, itemId, patch)),
    remove: async (itemId, key = `remove:${itemId}`) => {
      const item = board.items?.find((i) => i.id === itemId);
      const ok = await run(key, () => itemsApi.remove(id, itemId));
      // Every delete reaches everyone at once, so every delete can be undone: the item comes back
      // with its data, in its place.
      if (ok && item) offerUndo(`Removed “${itemLabel(item)}”`, () => restoreItem(id, item).then(onBoard));
      return ok;
    },
    setFields: (fields, key = `fields:${Object.keys(fields).join(',')}`) => run(key, () => itemsApi.setFields(id, fields)),
    run,
  };
}

/** A short name for an item in "Removed …" (its title, name, area…). */
export function itemLabel(item: BoardItem): string {
  const d = item.data as Record<string, unknown>;
  for (const k of ['title', 'name', 'area', 'text', 'topic', 'description']) if (typeof d[k] === 'string' && d[k]) return d[k];
  if (typeof d.from === 'string' && typeof d.to === 'string') return `${d.from} → ${d.to}`;
  return `${item.kind} item`;
}

/** Puts a removed item back: the same kind and data, at its old position. Answers with the board. */
export async function restoreItem(sessionId: string, item: BoardItem): Promise<SessionBoard> {
  const added = await itemsApi.add(sessionId, item.kind, item.data);
  // Ids only grow: the newest item of the kind is the one just added.
  const back = added.items.filter((i) => i.kind === item.kind).reduce<BoardItem | null>((m, i) => (!m || i.id > m.id ? i : m), null);
  return back && back.position !== item.position ? itemsApi.update(sessionId, back.id, { position: item.position }) : added;
}

/** Props every board section takes; `canEdit` defaults to the signed-in role (viewers only follow). */
export interface BoardSectionProps {
  board: SessionBoard;
  onBoard: (board: SessionBoard) => void;
  now?: number;
  canEdit?: boolean;
}

export function useEditable(canEdit: boolean | undefined): boolean {
  const canWrite = useCanWrite();
  return canEdit ?? canWrite;
}

/** A number from a form input, or null when empty (the API says what is wrong with anything else). */
export function numberOrNull(v: string): number | null | string {
  const t = v.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** "90 minutes", "1.5 hours", "2 h 30 min" → minutes; null when it does not read as a duration. */
export function parseMinutes(text: string | null | undefined): number | null {
  if (!text) return null;
  let total = 0;
  let found = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*(h|hours?|hrs?|m|min|mins|minutes?)\b/gi)) {
    found = true;
    total += m[2]!.toLowerCase().startsWith('h') ? Number(m[1]) * 60 : Number(m[1]);
  }
  return found ? Math.round(total) : null;
}

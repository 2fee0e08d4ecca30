import type { SearchMatch } from './search-text.ts';

/** An entry as every transport returns it. `value` is parsed when the stored string is JSON. */
export interface MemoryEntry {
  namespace: string;
  key: string;
  value: unknown;
  raw: string;
  isJson: boolean;
  version: number;
  size: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  expiresAt: string | null;
  /** Why a session-shaped value did not become a session, if it did not. */
  projectionWarning?: string | null;
}

/** A search result: an entry, and for a text query why it matched (results then come best first). */
export interface SearchHit extends MemoryEntry {
  match?: SearchMatch;
}

export interface StoreResult {
  stored: true;
  namespace: string;
  key: string;
  version: number;
  seq: number;
  size: number;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeleteResult {
  namespace: string;
  key: string;
  deleted: boolean;
  seq: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** The feed position this page is consistent with: subscribe from here to stay current. */
  seq: number;
}

export interface NamespaceCount {
  namespace: string;
  count: number;
}

export interface HistoryItem {
  op: 'store' | 'delete' | 'expire';
  version: number;
  value: string | null;
  actor: string;
  at: string;
  expiresAt: string | null;
  seq: number;
}

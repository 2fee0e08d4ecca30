import { z } from 'zod';
import { txRunner, type DbHandle } from '../../db/client.ts';
import { idsInserted, openSnapshot } from '../../db/snapshot.ts';
import { HANDOFF_STATUS_VALUES, SESSION_STATUSES, SESSION_TYPES } from '../../db/schema.ts';
import { BatonError } from '../../lib/errors.ts';
import { tooDeepPath } from '../../lib/json-depth.ts';
import { toSqliteGlob } from '../../lib/glob.ts';
import { keySchema, namespaceSchema } from '../../lib/memory-schema.ts';
import type { Writer } from '../gate.ts';
import type { Services } from '../services.ts';

// Export and import (issue 17): Baton's data as NDJSON, portable between installs and stores.
//
//   {"format":"baton-export","version":1,"exportedAt":"…","seq":123}
//   {"type":"user","email":…}                     who the records refer to (no password, no token)
//   {"type":"entry","namespace":…,"history":[…]}  a live memory entry with its kept versions
//   {"type":"history","namespace":…,"history":[…]} versions of a key that has no live entry
//   {"type":"session","id":…,"goals":[…],…}       a board with its goals, workstreams, files, …
//   {"type":"item",…} {"type":"checkpoint",…}      board items and checkpoints, by their session
//   {"type":"handoff",…,"checklist":[…],"events":[…]}  users by email, comments among the events
//
// Never exported: accounts' passwords and sign-in sessions, API tokens, invitations, share links,
// the audit log (it stays with the install: a backup keeps it) and analytics' folded counts (an
// import's change rows are counted again). Records are written in a fixed order, so exporting an
// import of an export gives the same lines.

export const EXPORT_FORMAT = 'baton-export';
export const EXPORT_VERSION = 1;

type Kind = 'text' | 'textn' | 'int' | 'intn' | 'json' | 'bool';
/** Columns of a table as exported: the SQL name, its kind; the record's field is its camelCase. */
type Spec = readonly (readonly [column: string, kind: Kind])[];

const camel = (c: string) => c.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

const SESSION: Spec = [
  ['id', 'text'],
  ['type', 'text'],
  ['subtype', 'textn'],
  ['title', 'text'],
  ['project', 'textn'],
  ['owner', 'textn'],
  ['status', 'text'],
  ['started_at', 'int'],
  ['ended_at', 'intn'],
  ['expected_duration', 'textn'],
  ['expected_minutes', 'intn'],
  ['focus_area', 'textn'],
  ['tags', 'json'],
  ['branch', 'textn'],
  ['last_commit', 'textn'],
  ['next_steps', 'json'],
  ['metrics', 'json'],
  ['details', 'json'],
  ['parent_id', 'textn'],
  ['resume_count', 'int'],
  ['autosave_minutes', 'int'],
  ['last_activity_at', 'int'],
  ['last_checkpoint_at', 'intn'],
  ['version', 'int'],
  ['checkpoint_version', 'int'],
  ['source_namespace', 'textn'],
  ['created_at', 'int'],
  ['updated_at', 'int'],
];
/** A session's own rows, exported inside its record (their ids are not referred to from elsewhere). */
const CHILDREN: Record<string, { table: string; spec: Spec }> = {
  goals: {
    table: 'session_goals',
    spec: [
      ['position', 'int'],
      ['text', 'text'],
      ['done', 'bool'],
      ['done_at', 'intn'],
    ],
  },
  workstreams: {
    table: 'session_workstreams',
    spec: [
      ['name', 'text'],
      ['status', 'text'],
      ['progress', 'int'],
      ['next_steps', 'json'],
      ['files', 'json'],
      ['position', 'int'],
      ['updated_at', 'int'],
    ],
  },
  files: {
    table: 'session_files',
    spec: [
      ['path', 'text'],
      ['kind', 'text'],
      ['touched_at', 'int'],
      ['touched_by', 'textn'],
    ],
  },
  blockers: {
    table: 'session_blockers',
    spec: [
      ['description', 'text'],
      ['kind', 'textn'],
      ['severity', 'text'],
      ['owner', 'textn'],
      ['impact', 'textn'],
      ['expected_resolution', 'textn'],
      ['created_at', 'int'],
      ['resolved_at', 'intn'],
      ['resolved_by', 'textn'],
    ],
  },
  decisions: {
    table: 'session_decisions',
    spec: [
      ['topic', 'text'],
      ['decision', 'text'],
      ['rationale', 'textn'],
      ['alternatives', 'json'],
      ['decided_at', 'int'],
      ['decided_by', 'textn'],
    ],
  },
  agents: {
    table: 'session_agents',
    spec: [
      ['name', 'text'],
      ['role', 'textn'],
      ['status', 'text'],
      ['current_task', 'textn'],
      ['last_activity_at', 'int'],
    ],
  },
};
const ITEM: Spec = [
  ['id', 'int'],
  ['session_id', 'text'],
  ['kind', 'text'],
  ['position', 'int'],
  ['data', 'json'],
  ['created_at', 'int'],
  ['updated_at', 'int'],
  ['created_by', 'textn'],
];
const CHECKPOINT: Spec = [
  ['id', 'int'],
  ['session_id', 'text'],
  ['kind', 'text'],
  ['label', 'textn'],
  ['snapshot', 'json'],
  ['session_version', 'int'],
  ['created_at', 'int'],
  ['created_by', 'text'],
];
const HANDOFF: Spec = [
  ['id', 'text'],
  ['session_id', 'text'],
  ['continuation_id', 'textn'],
  ['status', 'text'],
  ['handoff_type', 'textn'],
  ['from_label', 'text'],
  ['to_kind', 'text'],
  ['to_label', 'text'],
  ['summary', 'json'],
  ['context', 'json'],
  ['checkpoint_id', 'intn'],
  ['base_checkpoint_id', 'intn'],
  ['memory_keys', 'json'],
  ['source', 'text'],
  ['created_at', 'int'],
  ['expires_at', 'int'],
  ['decided_at', 'intn'],
  ['decided_by', 'textn'],
  ['reason', 'textn'],
  ['renewed_from', 'textn'],
  ['version', 'int'],
];
const CHECKLIST: Spec = [
  ['position', 'int'],
  ['text', 'text'],
  ['done', 'bool'],
  ['done_by', 'textn'],
  ['done_at', 'intn'],
];
const EVENT: Spec = [
  ['kind', 'text'],
  ['author', 'text'],
  ['body', 'textn'],
  ['at', 'int'],
];

type Row = Record<string, unknown>;

/** A database row as a record's fields (JSON columns parsed, booleans as booleans). */
function toRecord(spec: Spec, row: Row): Row {
  const out: Row = {};
  for (const [col, kind] of spec) {
    const v = row[col];
    out[camel(col)] = kind === 'json' ? JSON.parse(String(v)) : kind === 'bool' ? v === 1 || v === true : (v ?? null);
  }
  return out;
}

/** A record's fields as column values, in the spec's order. */
function toColumns(spec: Spec, rec: Row): unknown[] {
  return spec.map(([col, kind]) => {
    const v = rec[camel(col)];
    return kind === 'json' ? JSON.stringify(v) : kind === 'bool' ? (v ? 1 : 0) : (v ?? null);
  });
}

const ZOD: Record<Kind, z.ZodType> = {
  text: z.string(),
  textn: z.string().nullable().default(null),
  int: z.number().int(),
  intn: z.number().int().nullable().default(null),
  json: z.unknown().refine((v) => v !== undefined, 'required'),
  bool: z.boolean(),
};
const shape = (spec: Spec) => Object.fromEntries(spec.map(([col, kind]) => [camel(col), ZOD[kind]]));

const historyItemSchema = z.object({
  op: z.enum(['store', 'delete', 'expire']),
  version: z.number().int().min(0),
  value: z.string().nullable(),
  actor: z.string(),
  at: z.number().int(),
  expiresAt: z.number().int().nullable().default(null),
});
const entrySchema = z.object({
  type: z.literal('entry'),
  namespace: namespaceSchema,
  key: keySchema,
  value: z.string(),
  version: z.number().int().min(1),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  updatedBy: z.string(),
  expiresAt: z.number().int().nullable().default(null),
  history: z.array(historyItemSchema).default([]),
});
const historySchema = z.object({ type: z.literal('history'), namespace: namespaceSchema, key: keySchema, history: z.array(historyItemSchema).min(1) });
const userSchema = z.object({
  type: z.literal('user'),
  email: z.string().email(),
  name: z.string(),
  role: z.enum(['admin', 'member', 'viewer']),
  disabled: z.boolean().default(false),
});
const sessionSchema = z.object({
  ...shape(SESSION.filter(([c]) => c !== 'type')),
  type: z.literal('session'),
  sessionType: z.enum(SESSION_TYPES),
  status: z.enum(SESSION_STATUSES),
  archivedAt: z.number().int().nullable().default(null),
  ...Object.fromEntries(Object.entries(CHILDREN).map(([name, c]) => [name, z.array(z.object(shape(c.spec))).default([])])),
});
const itemSchema = z.object({ ...shape(ITEM), type: z.literal('item') });
const checkpointSchema = z.object({ ...shape(CHECKPOINT), type: z.literal('checkpoint') });
const handoffSchema = z.object({
  ...shape(HANDOFF),
  type: z.literal('handoff'),
  fromUser: z.string().nullable().default(null),
  toUser: z.string().nullable().default(null),
  toKind: z.enum(['user', 'agent', 'team']),
  status: z.enum(HANDOFF_STATUS_VALUES),
  source: z.enum(['board', 'api', 'mcp', 'cli', 'memory']),
  checklist: z.array(z.object(shape(CHECKLIST))).default([]),
  events: z.array(z.object(shape(EVENT))).default([]),
});
const headerSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  seq: z.number().int().min(0),
});

const RECORD_SCHEMAS = {
  user: userSchema,
  entry: entrySchema,
  history: historySchema,
  session: sessionSchema,
  item: itemSchema,
  checkpoint: checkpointSchema,
  handoff: handoffSchema,
} as const;
export type RecordType = keyof typeof RECORD_SCHEMAS;
export const RECORD_TYPES = Object.keys(RECORD_SCHEMAS) as RecordType[];
type Parsed<T extends RecordType> = z.output<(typeof RECORD_SCHEMAS)[T]>;

// ---- export ---------------------------------------------------------------------------------

export interface ExportOptions {
  /** Only memory in namespaces matching this glob, and the boards projected from them. */
  namespace?: string;
  now?: number;
}

/**
 * The export as lines (without newlines), read on a connection of its own inside one read
 * transaction: a consistent snapshot at the header's `seq`, while the server keeps writing.
 * Close the returned iterator (or read it to the end) to release the snapshot. `source`: the
 * store's handle (SQLite or PostgreSQL, db/snapshot.ts), or the path of a SQLite file.
 */
export function* exportLines(source: DbHandle | string, options: ExportOptions = {}): Generator<string, void, undefined> {
  const snapshot = openSnapshot(source);
  const db = snapshot.sqlite;
  try {
    const seq = (db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM changes').get() as { seq: number }).seq;
    yield JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date(options.now ?? Date.now()).toISOString(), seq });
    const now = options.now ?? Date.now();
    const glob = options.namespace ? toSqliteGlob(options.namespace) : null;
    const nsWhere = (col: string) => (glob ? ` AND ${col} GLOB @glob` : '');
    const params = glob ? { glob } : {};
    // A statement without parameters is given none (PostgreSQL refuses an unused one).
    const globArg = glob ? [params] : [];

    const emails = new Map<string, string>();
    for (const u of db.prepare('SELECT id, email, name, role, disabled FROM auth_user ORDER BY email').all() as Row[]) {
      emails.set(String(u.id), String(u.email));
      if (!glob) yield JSON.stringify({ type: 'user', email: u.email, name: u.name, role: u.role, disabled: u.disabled === 1 });
    }

    // Entries and the history of every key (live or not), in key order, a page of keys at a time:
    // one open cursor per connection, so each page reads its entries, then the history of that range.
    const PAGE = 2000;
    const entryPage = db.prepare(
      `SELECT namespace, key, value, version, created_at AS createdAt, updated_at AS updatedAt, updated_by AS updatedBy, expires_at AS expiresAt
       FROM memory_entries WHERE (expires_at IS NULL OR expires_at > @now)${nsWhere('namespace')} AND (namespace, key) > (@ns, @key)
       ORDER BY namespace, key LIMIT ${PAGE}`,
    );
    const historyRange = (bounded: boolean) =>
      db.prepare(
        `SELECT namespace, key, op, version, value, actor, at, expires_at AS expiresAt FROM memory_history
         WHERE (namespace, key) > (@ns, @key)${bounded ? ' AND (namespace, key) <= (@toNs, @toKey)' : ''}${nsWhere('namespace')} ORDER BY namespace, key, seq`,
      );
    const historyBounded = historyRange(true);
    const historyRest = historyRange(false);
    // SQLite orders text by its UTF-8 bytes; so must the merge below.
    const order = (a: Row, b: Row) =>
      Buffer.compare(Buffer.from(`${String(a.namespace)}\u0000${String(a.key)}`), Buffer.from(`${String(b.namespace)}\u0000${String(b.key)}`));
    let from = { ns: '', key: '' };
    for (;;) {
      const rows = entryPage.all({ ...params, now, ns: from.ns, key: from.key }) as Row[];
      const last = rows.length === PAGE ? rows.at(-1)! : null;
      const hist = (
        last
          ? historyBounded.all({ ...params, ns: from.ns, key: from.key, toNs: last.namespace, toKey: last.key })
          : historyRest.all({ ...params, ns: from.ns, key: from.key })
      ) as Row[];
      let h = 0;
      const takeHistory = (ref: Row): Row[] => {
        const items: Row[] = [];
        while (h < hist.length && order(hist[h]!, ref) === 0) {
          const x = hist[h++]!;
          items.push({ op: x.op, version: x.version, value: x.value, actor: x.actor, at: x.at, expiresAt: x.expiresAt ?? null });
        }
        return items;
      };
      const orphansBefore = function* (ref: Row | null): Generator<string> {
        while (h < hist.length && (ref === null || order(hist[h]!, ref) < 0)) {
          const x = hist[h]!;
          yield JSON.stringify({ type: 'history', namespace: x.namespace, key: x.key, history: takeHistory(x) });
        }
      };
      for (const e of rows) {
        yield* orphansBefore(e);
        yield JSON.stringify({ type: 'entry', ...e, expiresAt: e.expiresAt ?? null, history: takeHistory(e) });
      }
      yield* orphansBefore(null);
      if (!last) break;
      from = { ns: String(last.namespace), key: String(last.key) };
    }

    const sessionWhere = glob ? ' WHERE source_namespace GLOB @glob' : '';
    const sessionIds: string[] = [];
    // A session's rows in the order they were written (their id); its files, which have no id, by path
    // in UTF-8 byte order (SQLite's order for text), so both stores list them alike.
    const byPath = (a: Row, b: Row) => Buffer.compare(Buffer.from(String(a.path)), Buffer.from(String(b.path)));
    const childStmts = Object.entries(CHILDREN).map(([name, c]) => {
      const hasId = c.spec !== CHILDREN.files!.spec;
      return [name, c.spec, db.prepare(`SELECT * FROM ${c.table} WHERE session_id = ?${hasId ? ' ORDER BY id' : ''}`), hasId] as const;
    });
    for (const s of db.prepare(`SELECT * FROM work_sessions${sessionWhere} ORDER BY id`).all(...globArg) as Row[]) {
      sessionIds.push(String(s.id));
      const { type, ...rest } = toRecord(SESSION, s);
      // archivedAt: no column holds it (an archived session says so in its details, exported with them).
      const record: Row = { type: 'session', ...rest, sessionType: type, archivedAt: null };
      for (const [name, spec, stmt, hasId] of childStmts) {
        const rows = stmt.all(s.id) as Row[];
        if (!hasId) rows.sort(byPath);
        record[name] = rows.map((r) => toRecord(spec, r));
      }
      yield JSON.stringify(record);
    }
    const inSessions = glob ? ` WHERE session_id IN (SELECT id FROM work_sessions${sessionWhere})` : '';
    for (const r of db.prepare(`SELECT * FROM session_items${inSessions} ORDER BY id`).all(...globArg) as Row[]) {
      yield JSON.stringify({ type: 'item', ...toRecord(ITEM, r) });
    }
    for (const r of db.prepare(`SELECT * FROM session_checkpoints${inSessions} ORDER BY id`).all(...globArg) as Row[]) {
      yield JSON.stringify({ type: 'checkpoint', ...toRecord(CHECKPOINT, r) });
    }
    const checklist = db.prepare('SELECT * FROM handoff_checklist WHERE handoff_id = ? ORDER BY id');
    const events = db.prepare('SELECT * FROM handoff_events WHERE handoff_id = ? ORDER BY id');
    for (const h of db.prepare(`SELECT * FROM handoffs${inSessions} ORDER BY id`).all(...globArg) as Row[]) {
      yield JSON.stringify({
        type: 'handoff',
        ...toRecord(HANDOFF, h),
        fromUser: h.from_user_id ? (emails.get(h.from_user_id as string) ?? null) : null,
        toUser: h.to_user_id ? (emails.get(h.to_user_id as string) ?? null) : null,
        checklist: (checklist.all(h.id) as Row[]).map((r) => toRecord(CHECKLIST, r)),
        events: (events.all(h.id) as Row[]).map((r) => toRecord(EVENT, r)),
      });
    }
  } finally {
    snapshot.close();
  }
}

// ---- import ---------------------------------------------------------------------------------

export type ImportMode = 'skip' | 'overwrite' | 'merge';
export const IMPORT_MODES: readonly ImportMode[] = ['skip', 'overwrite', 'merge'];

type Outcome = 'created' | 'overwritten' | 'merged' | 'skipped' | 'kept';
export interface ImportSummary {
  mode: ImportMode;
  dryRun: boolean;
  /** Lines read, the header included. */
  lines: number;
  /** Per record type: how many were created, overwrote, merged (newer won), skipped (present), kept (what was here is newer). */
  counts: Partial<Record<RecordType, Partial<Record<Outcome, number>>>>;
  /** The first changes, for a preview ("entry team-a/x: overwritten"). */
  changes: string[];
  /** Users the records name who have no account here: their handoffs keep the name, not the link. */
  missingUsers: string[];
  /** The feed's head after the import (its changes are broadcast like any write). */
  seq: number;
}

export type ImportRecord = { [T in RecordType]: Parsed<T> & { type: T } }[RecordType];

/**
 * Reads a whole export and checks every line before anything is applied: a malformed or unknown
 * line stops the import with its line number and field (`line 5001: history.0.version: …`).
 */
export function parseExport(text: string, maxDepth = 64): { header: z.output<typeof headerSchema>; records: ImportRecord[]; lines: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (n: number, field: string, message: string): never => {
    throw new BatonError('invalid_input', `line ${n}: ${field ? `${field}: ` : ''}${message}`, { field: `line ${n}${field ? `: ${field}` : ''}` });
  };
  const parseLine = (n: number, line: string): Row => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return fail(n, '', 'not a JSON object');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(n, '', 'not a JSON object');
    const deep = tooDeepPath(value, maxDepth);
    if (deep !== null) fail(n, deep, `nested deeper than ${maxDepth} levels`);
    return value as Row;
  };
  if (lines.length === 0) fail(1, 'format', `empty file: expected a ${EXPORT_FORMAT} header`);
  const head = headerSchema.safeParse(parseLine(1, lines[0]!));
  if (!head.success) {
    const issue = head.error.issues[0]!;
    fail(1, issue.path.join('.'), `${issue.message} (expected a header {"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},…})`);
  }
  const records: ImportRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const n = i + 1;
    if (lines[i]!.trim() === '') continue;
    const raw = parseLine(n, lines[i]!);
    const type = raw.type;
    if (typeof type !== 'string' || !(type in RECORD_SCHEMAS))
      fail(n, 'type', `unknown record type ${JSON.stringify(type)} (expected one of ${RECORD_TYPES.join(', ')})`);
    const parsed = RECORD_SCHEMAS[type as RecordType].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      fail(n, issue.path.join('.'), issue.message);
    }
    records.push(parsed.data as ImportRecord);
  }
  return { header: head.data!, records, lines: lines.length };
}

class DryRun extends Error {}

/** The fields the import reads of records whose shape is generated from the column specs. */
interface Loose {
  user: Parsed<'user'>;
  entry: Parsed<'entry'>;
  history: Parsed<'history'>;
  session: Row & { id: string; updatedAt: number; sessionType: string; archivedAt: number | null };
  item: Row & { id: number; sessionId: string };
  checkpoint: Row & { id: number; sessionId: string };
  handoff: Row & {
    id: string;
    sessionId: string;
    version: number;
    checkpointId: number | null;
    baseCheckpointId: number | null;
    fromUser: string | null;
    toUser: string | null;
    checklist: Row[];
    events: Row[];
  };
}

/**
 * Applies parsed records in one transaction: all or nothing. `skip` leaves what is here, `overwrite`
 * replaces it, `merge` keeps the newer (by update time; a board by update time, a handoff by
 * version), writing with compare-and-set on the version it compared with. New keys keep their
 * versions, history, times and writers; a key that is already here gets the imported value as its
 * next version (through the memory service: fed, projected, history kept). Every change is in the
 * change feed, so open screens update. A dry run does all of it and rolls back.
 */
export function applyImport(
  handle: DbHandle,
  services: Pick<Services, 'memory' | 'sessions' | 'handoffs' | 'feed'>,
  parsed: { records: ImportRecord[]; lines: number },
  options: { mode: ImportMode; dryRun?: boolean; writer: Writer; now?: number; onCommit?: () => void },
): ImportSummary {
  const { memory, sessions, handoffs, feed } = services;
  const s = handle.sqlite;
  const mode = options.mode;
  const now = options.now ?? Date.now();
  const summary: ImportSummary = { mode, dryRun: !!options.dryRun, lines: parsed.lines, counts: {}, changes: [], missingUsers: [], seq: 0 };
  const count = (type: RecordType, outcome: Outcome, what: string) => {
    const c = (summary.counts[type] ??= {});
    c[outcome] = (c[outcome] ?? 0) + 1;
    if (outcome !== 'skipped' && outcome !== 'kept' && summary.changes.length < 100) summary.changes.push(`${type} ${what}: ${outcome}`);
  };
  const byType = <T extends RecordType>(t: T) => parsed.records.filter((r) => r.type === t) as unknown as Loose[T][];

  const q = {
    entry: s.prepare<[string, string, number], { version: number; updatedAt: number }>(
      'SELECT version, updated_at AS updatedAt FROM memory_entries WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    dropDead: s.prepare<[string, string]>('DELETE FROM memory_entries WHERE namespace = ? AND key = ?'),
    hasHistory: s.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM memory_history WHERE namespace = ? AND key = ?'),
    insertEntry: s.prepare(
      `INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertHistory: s.prepare(`INSERT INTO memory_history (seq, namespace, key, op, version, value, actor, at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    user: s.prepare<[string], { id: string }>('SELECT id FROM auth_user WHERE lower(email) = lower(?)'),
    session: s.prepare<[string], { updatedAt: number; version: number }>('SELECT updated_at AS updatedAt, version FROM work_sessions WHERE id = ?'),
    dropSession: s.prepare<[string]>('DELETE FROM work_sessions WHERE id = ?'),
    handoff: s.prepare<[string], { version: number; sessionId: string }>('SELECT version, session_id AS sessionId FROM handoffs WHERE id = ?'),
    dropHandoff: s.prepare<[string]>('DELETE FROM handoffs WHERE id = ?'),
    idFree: (table: string) => s.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE id = ?`),
  };
  const insertRow = (table: string, spec: Spec, rec: Row, extra: Record<string, unknown> = {}) => {
    const cols = [...spec.map(([c]) => c), ...Object.keys(extra)];
    s.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...toColumns(spec, rec), ...Object.values(extra));
  };
  /** Tables rows were written to with the ids they had, since the store last drew one there. */
  const explicitIds = new Set<string>();
  const syncIds = (table: string) => {
    if (explicitIds.delete(table)) idsInserted(handle, table);
  };
  /** Inserts a row whose id the store draws (above any id written as it was), and returns that id. */
  const insertNew = (table: string, spec: Spec, rec: Row): number => {
    syncIds(table);
    const cols = spec.map(([c]) => c);
    const row = s
      .prepare<unknown[], { id: number }>(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) RETURNING id`)
      .get(...toColumns(spec, rec))!;
    return Number(row.id);
  };
  /** Keeps an integer id when it is free here (an empty install: ids, and references to them, stay the same). */
  const freeId = (table: string, id: number) => (q.idFree(table).get(id)!.n === 0 ? id : null);

  const run = () => {
    for (const u of byType('user')) {
      if (!q.user.get(u.email)) summary.missingUsers.push(u.email);
    }

    // Memory.
    const newKey = (r: { namespace: string; key: string; history: z.output<typeof historyItemSchema>[] }, entry: Parsed<'entry'> | null) => {
      // Each kept version is a change row (in order, with its own time and writer) and a history row.
      const items = [...r.history];
      const last = items.at(-1);
      if (entry && (!last || last.op !== 'store' || last.version !== entry.version || last.value !== entry.value)) {
        items.push({ op: 'store', version: entry.version, value: entry.value, actor: entry.updatedBy, at: entry.updatedAt, expiresAt: entry.expiresAt });
      }
      for (const h of items) {
        const seq = feed.append({
          topic: 'memory',
          namespace: r.namespace,
          key: r.key,
          op: h.op,
          version: h.version,
          value: h.value,
          actor: h.actor,
          at: h.at,
          expiresAt: h.expiresAt,
        });
        q.insertHistory.run(seq, r.namespace, r.key, h.op, h.version, h.value, h.actor, h.at, h.expiresAt);
      }
      if (entry) {
        const size = Buffer.byteLength(entry.value, 'utf8');
        q.insertEntry.run(entry.namespace, entry.key, entry.value, entry.version, size, entry.createdAt, entry.updatedAt, entry.updatedBy, entry.expiresAt);
      }
    };
    for (const e of byType('entry')) {
      const what = `${e.namespace}/${e.key}`;
      const here = q.entry.get(e.namespace, e.key, now);
      if (!here) {
        q.dropDead.run(e.namespace, e.key); // an expired row not swept yet
        // A key deleted here keeps its history: only the imported entry's current value goes on top.
        newKey({ ...e, history: q.hasHistory.get(e.namespace, e.key)!.n > 0 ? [] : e.history }, e);
        count('entry', 'created', what);
        continue;
      }
      if (mode === 'skip') {
        count('entry', 'skipped', what);
        continue;
      }
      if (mode === 'merge' && e.updatedAt <= here.updatedAt) {
        count('entry', 'kept', what);
        continue;
      }
      const ttl = e.expiresAt === null ? undefined : Math.max(1, Math.ceil((e.expiresAt - now) / 1000));
      // Compare-and-set: written only while the key is still at the version compared with.
      memory.store({ namespace: e.namespace, key: e.key, value: e.value, ttl, ifVersion: here.version }, options.writer);
      count('entry', mode === 'merge' ? 'merged' : 'overwritten', what);
    }
    for (const h of byType('history')) {
      const what = `${h.namespace}/${h.key}`;
      if (q.entry.get(h.namespace, h.key, now) || q.hasHistory.get(h.namespace, h.key)!.n > 0) {
        count('history', 'skipped', what);
        continue;
      }
      newKey(h, null);
      count('history', 'created', what);
    }

    // Boards: a session with its own rows, then its items and checkpoints, then handoffs.
    const written = new Set<string>();
    for (const r of byType('session')) {
      const here = q.session.get(r.id);
      let outcome: Outcome = 'created';
      if (here) {
        if (mode === 'skip') outcome = 'skipped';
        else if (mode === 'merge' && r.updatedAt <= here.updatedAt) outcome = 'kept';
        else outcome = mode === 'merge' ? 'merged' : 'overwritten';
        if (outcome === 'skipped' || outcome === 'kept') {
          count('session', outcome, r.id);
          continue;
        }
        // Compare-and-set: replaced only at the version compared with (the transaction holds the lock).
        if (q.session.get(r.id)!.version !== here.version)
          throw new BatonError('version_conflict', `session ${r.id}: changed during the import`, { field: 'id' });
        q.dropSession.run(r.id);
      }
      const rec = { ...r, type: r.sessionType } as Row;
      insertRow('work_sessions', SESSION, rec);
      for (const [name, c] of Object.entries(CHILDREN)) {
        for (const child of (r as Row)[name] as Row[]) insertRow(c.table, c.spec, { ...child, sessionId: r.id }, { session_id: r.id });
      }
      written.add(r.id);
      count('session', outcome, r.id);
    }
    const sessionExists = (id: string) => written.has(id) || !!q.session.get(id);
    const refused = (n: string, field: string, message: string): never => {
      throw new BatonError('invalid_input', `${n}: ${message}`, { field });
    };
    for (const r of byType('item')) {
      if (!written.has(r.sessionId)) {
        if (!sessionExists(r.sessionId)) refused(`item ${r.id}`, 'sessionId', `no session "${r.sessionId}" here or in the file`);
        count('item', 'skipped', String(r.id));
        continue;
      }
      const id = freeId('session_items', r.id);
      const { id: _drop, ...rest } = r;
      void _drop;
      if (id === null) insertNew('session_items', ITEM.slice(1), rest);
      else {
        insertRow('session_items', ITEM, r);
        explicitIds.add('session_items');
      }
      count('item', 'created', `${r.sessionId}#${r.id}`);
    }
    const checkpointIds = new Map<number, number>();
    for (const r of byType('checkpoint')) {
      if (!written.has(r.sessionId)) {
        if (!sessionExists(r.sessionId)) refused(`checkpoint ${r.id}`, 'sessionId', `no session "${r.sessionId}" here or in the file`);
        count('checkpoint', 'skipped', String(r.id));
        continue;
      }
      const id = freeId('session_checkpoints', r.id);
      const { id: _drop, ...rest } = r;
      void _drop;
      checkpointIds.set(r.id, id ?? insertNew('session_checkpoints', CHECKPOINT.slice(1), rest));
      if (id !== null) {
        insertRow('session_checkpoints', CHECKPOINT, r);
        explicitIds.add('session_checkpoints');
      }
      count('checkpoint', 'created', `${r.sessionId}#${r.id}`);
    }
    const published = new Set<string>();
    for (const r of byType('handoff')) {
      if (!sessionExists(r.sessionId)) refused(`handoff ${r.id}`, 'sessionId', `no session "${r.sessionId}" here or in the file`);
      const here = q.handoff.get(r.id);
      let outcome: Outcome = 'created';
      if (here) {
        if (mode === 'skip') outcome = 'skipped';
        else if (mode === 'merge' && r.version <= here.version) outcome = 'kept';
        else outcome = mode === 'merge' ? 'merged' : 'overwritten';
        if (outcome === 'skipped' || outcome === 'kept') {
          count('handoff', outcome, r.id);
          continue;
        }
        q.dropHandoff.run(r.id);
      }
      const userId = (email: string | null) => {
        if (!email) return null;
        const u = q.user.get(email);
        if (!u && !summary.missingUsers.includes(email)) summary.missingUsers.push(email);
        return u?.id ?? null;
      };
      const mapCheckpoint = (id: number | null) =>
        id === null ? null : (checkpointIds.get(id) ?? (q.idFree('session_checkpoints').get(id)!.n > 0 ? id : null));
      const rec = { ...r, checkpointId: mapCheckpoint(r.checkpointId), baseCheckpointId: mapCheckpoint(r.baseCheckpointId) } as Row;
      insertRow('handoffs', HANDOFF, rec, { from_user_id: userId(r.fromUser), to_user_id: userId(r.toUser) });
      for (const c of r.checklist) insertRow('handoff_checklist', CHECKLIST, c, { handoff_id: r.id });
      for (const ev of r.events) insertRow('handoff_events', EVENT, ev, { handoff_id: r.id });
      published.add(r.id);
      count('handoff', outcome, r.id);
    }

    for (const table of [...explicitIds]) syncIds(table);

    // The feed: each board and handoff written, whole, as its screens expect it.
    const actor = options.writer.label;
    for (const id of written) {
      const board = sessions.board(id)!;
      feed.append({
        topic: 'session',
        namespace: sessions.sourceNamespaceOf(id) ?? '',
        key: id,
        op: 'store',
        version: board.version,
        value: JSON.stringify(board),
        actor,
        at: now,
        expiresAt: null,
      });
    }
    for (const id of published) {
      const item = handoffs.listItemOf(id);
      feed.append({
        topic: 'handoff',
        namespace: sessions.sourceNamespaceOf(item.sessionId) ?? '',
        key: id,
        op: 'store',
        version: item.version,
        value: JSON.stringify(item),
        actor,
        at: now,
        expiresAt: null,
      });
    }
    summary.seq = feed.headSeq();
    if (options.dryRun) throw new DryRun();
  };
  try {
    txRunner(s).immediate(run);
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
    summary.seq = feed.headSeq();
    return summary;
  }
  options.onCommit?.();
  return summary;
}

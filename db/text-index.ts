// Memory's ranked text search, per store: SQLite's FTS5 word index (memory_fts, migration 0008) and
// PostgreSQL's GIN index over baton_search_text(key, value) (db/migrations-pg/0000, 0001). The memory
// service builds the filters and pages; this part only ranks. Both return rows best first (score ascending:
// lower is better, as bm25() gives it), ties by namespace and key.
import type Database from 'better-sqlite3';
import { isPlainWord } from '../lib/search-text.ts';
import type { MemoryEntryRow } from './schema.ts';

/** bm25 weight of a key match against a value match (1). */
export const KEY_WEIGHT = 10.0;

export const ENTRY_COLUMNS_E =
  'e.namespace, e.key, e.value, e.version, e.size, e.created_at AS createdAt, e.updated_at AS updatedAt, e.updated_by AS updatedBy, e.expires_at AS expiresAt, e.projection_warning AS projectionWarning';

export type RankedRow = MemoryEntryRow & { score: number };

export interface RankRequest {
  /** Terms the word index can answer (each has letters or digits). */
  indexed: string[];
  /** Conditions on `e` (memory_entries) with their parameters. */
  where: { sql: string[]; params: unknown[] };
  /** How many rows, best first. */
  need: number;
  /** Rank at most this many of the newest matches (and every older key match). */
  rankWindow: number;
}

export interface TextIndex {
  ranked(req: RankRequest): RankedRow[];
}

const byScore = (a: RankedRow, b: RankedRow) =>
  a.score - b.score || (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** SQLite: FTS5 with bm25. */
export function sqliteTextIndex(sqlite: Database.Database): TextIndex {
  return {
    ranked({ indexed, where, need, rankWindow }) {
      // Every term is one quoted FTS5 string (quotes doubled), so user text is never parsed as query
      // syntax. A plain word is a prefix (`*` after the quotes) unless it is one character (too many
      // words start with it); a term with punctuation is a phrase of whole words (`session/dev-1` is
      // session, dev, 1: not dev-10).
      const match = indexed.map((t) => `"${t.replace(/"/g, '""')}"${t.length > 1 && isPlainWord(t) ? '*' : ''}`).join(' AND ');
      // BM25 has no shortcut to the best few: it scores every match. A word in most entries would
      // cost time in step with the table, so only the newest `rankWindow` matches are ranked (found by
      // walking the index by id, newest first, without scoring), plus every older entry whose key
      // matches (keys are short: few do). Below RANK_WINDOW matches, everything is ranked.
      const cutoff =
        sqlite
          .prepare<[string, number], { id: number }>('SELECT rowid AS id FROM memory_fts WHERE memory_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?')
          .get(match, rankWindow - 1)?.id ?? null;
      // Scored in the index alone first, best `top` only (most of a query's cost is reading the rows
      // of matches that will not be shown); then joined and filtered. When at least `need` rows pass
      // the filters they are exactly the best `need` (a filter only removes rows); otherwise every
      // match is joined and filtered (a namespace, glob or scope that leaves few).
      const ranked = (expr: string, idCondition: string, ids: number[]) => {
        const run = (top: number | null) =>
          sqlite
            .prepare<unknown[], RankedRow>(
              `SELECT ${ENTRY_COLUMNS_E}, t.score FROM (
                 SELECT rowid AS id, bm25(memory_fts, ${KEY_WEIGHT}, 1.0) AS score FROM memory_fts
                 WHERE memory_fts MATCH ? AND ${idCondition}${top === null ? '' : ' ORDER BY score LIMIT ?'}
               ) t CROSS JOIN memory_entries e ON e.id = t.id
               WHERE ${where.sql.join(' AND ')}
               ORDER BY t.score, e.namespace, e.key LIMIT ?`,
            )
            .all(expr, ...ids, ...(top === null ? [] : [top]), ...where.params, need);
        // Widening: a filter that keeps one row in twenty (a namespace of twenty) still ends in the second step.
        for (const top of [need * 4 + 50, need * 64 + 1000]) {
          const rows = run(top);
          if (rows.length >= need) return rows;
        }
        return run(null);
      };
      const rows = ranked(match, cutoff === null ? '1 = 1' : 'memory_fts.rowid >= ?', cutoff === null ? [] : [cutoff]);
      if (cutoff !== null) {
        rows.push(...ranked(`{key} : (${match})`, 'memory_fts.rowid < ?', [cutoff]));
        rows.sort(byScore);
      }
      return rows;
    },
  };
}

/** A term as a tsquery: a plain word is a prefix (`'word':*`, unless one character), other terms a phrase of their words. */
export function toTsQuery(indexed: string[]): string | null {
  const parts: string[] = [];
  for (const t of indexed) {
    const words = t.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) continue;
    // Words hold only letters and digits: nothing in them is tsquery syntax.
    if (isPlainWord(t)) parts.push(`'${t}'${t.length > 1 ? ':*' : ''}`);
    else parts.push(`(${words.map((w) => `'${w}'`).join(' <-> ')})`);
  }
  return parts.length ? parts.join(' & ') : null;
}

/**
 * PostgreSQL: the GIN index over baton_search_text(key, value) finds the matches; ts_rank scores them,
 * a key match weighing KEY_WEIGHT times a value match (as bm25's column weights do in SQLite), each divided by
 * 1 + log(length) so a short text naming the words ranks above a long one (as bm25 does). Ranks
 * every match (no window yet): the scale figures are SQLite's (bench (h)).
 */
export function pgTextIndex(sqlite: Database.Database): TextIndex {
  return {
    ranked({ indexed, where, need }) {
      const query = toTsQuery(indexed);
      if (!query) return [];
      return sqlite
        .prepare<unknown[], RankedRow>(
          `SELECT ${ENTRY_COLUMNS_E}, t.score FROM (
             SELECT m.id, -(${KEY_WEIGHT} * ts_rank(to_tsvector('simple', baton_words(m.key)), q.q, 1) + ts_rank(baton_search_text(m.key, m.value), q.q, 1)) AS score
             FROM memory_entries m, (SELECT to_tsquery('simple', public.unaccent(?::text)) AS q) q
             WHERE baton_search_text(m.key, m.value) @@ q.q
           ) t JOIN memory_entries e ON e.id = t.id
           WHERE ${where.sql.join(' AND ')}
           ORDER BY t.score, e.namespace, e.key LIMIT ?`,
        )
        .all(query, ...where.params, need);
    },
  };
}

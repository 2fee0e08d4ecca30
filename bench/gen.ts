/**
 * Generates a large Baton database file for the scale section (bench/scale.ts), through Baton's own
 * services on the file (as `baton --db` does), so every derived table the write path keeps (history,
 * the change row, session projections, board rows, any text index the memory service maintains) is
 * what real writes produce:
 *
 * - BENCH_GEN_ENTRIES memory entries, ~230-byte JSON values made of words (with one unique ticket id
 *   each), in 500 namespaces, in transactions of 5,000, on a clock moving from 90 days ago to now, so
 *   analytics has 90 days of writes. BENCH_GEN_VIA=service writes them with MemoryService.store; the
 *   default (sql) inserts the rows a first store of a key writes (the entry, its history row, its
 *   change through ChangeFeed.append; the full-text index through the migration's triggers) with
 *   prepared statements, 1.4× cheaper: on the shared 2-core machine the service path needed over
 *   an hour for a million entries, ~250 µs CPU each of which is the trigram index;
 * - further memory `store` change rows up to BENCH_GEN_CHANGES in all, appended with ChangeFeed.append
 *   (the one writer of change rows) in the same transactions and on the same clock: earlier versions
 *   of the generated keys. They carry no memory_history row (history keeps the newest 20 per key);
 * - BENCH_GEN_SESSIONS development sessions (init and, for half, a state write with a blocker, a
 *   decision and metrics) through their seed-shaped memory writes, started over 90 days and active
 *   in the last 25 (SESSION_ARCHIVE_DAYS is 30, so none is archived);
 * - one team-coordination board with BENCH_GEN_BOARD_ITEMS agenda and action items (BoardItems.add)
 *   and BENCH_GEN_CHECKPOINTS checkpoints (SessionService.checkpoint);
 * - then the sessions' periodic tick (idle sessions become interrupted) and the analytics fold of
 *   every change (WriteStats.catchUp), as the server's sweeper would do at its first ticks.
 *
 * `npx tsx bench/gen.ts <file>` prints one JSON object (timings and sizes) on stdout.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../db/client.ts';
import { systemWriter } from '../server/gate.ts';
import { createServices } from '../server/services.ts';

export interface GenResult {
  path: string;
  entries: number;
  changes: number;
  changesByService: number;
  changesAppendedRaw: number;
  sessions: number;
  boardId: string;
  boardItems: number;
  checkpoints: number;
  /** Namespaces of the generated entries: agent-000 … agent-499. */
  namespaces: number;
  seconds: { entriesAndChanges: number; sessions: number; board: number; tickAndFold: number; checkpoint: number; total: number };
  fileBytes: number;
  /** Bytes per table and index (SQLite's dbstat), when it is compiled in. */
  tables: Record<string, number> | null;
  bytesPerEntry: number | null;
  bytesPerChange: number | null;
  fileBytesPerEntry: number;
}

const DAY = 86_400_000;
export const GEN_NAMESPACES = 500;
export const BIG_BOARD_ID = 'bench-big-board';

const WORDS = (
  'agent plan deploy database migration rollback checkout payment retry cache index query latency socket board session ' +
  'review release branch commit merge conflict test coverage flaky build pipeline artifact container cluster node memory ' +
  'search ranking token scope audit webhook delivery handoff blocker decision goal sprint backlog estimate capacity risk ' +
  'schema column table transaction commit snapshot replica backup restore import export stream buffer parser encoder ' +
  'frontend backend api endpoint route handler middleware auth login invite account role permission namespace key value ' +
  'refactor cleanup rename extract inline document diagram outline summary report metric dashboard chart alert incident ' +
  'customer order invoice shipment inventory catalog product price discount coupon cart wishlist review rating feedback'
).split(' ');

/** A small deterministic PRNG (mulberry32), so two runs generate the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const nsOf = (i: number) => `agent-${String(i % GEN_NAMESPACES).padStart(3, '0')}`;
const KINDS = ['state', 'plan', 'notes', 'findings'] as const;
/** Key i of the generated set: task/<n>/state, task/<n>/plan, notes/<n>, findings/<n>. */
export function keyOf(i: number): string {
  const n = Math.floor(i / GEN_NAMESPACES);
  const kind = KINDS[n % 4]!;
  const id = Math.floor(n / 4);
  return kind === 'state' || kind === 'plan' ? `task/${id}/${kind}` : `${kind}/${id}`;
}
/** The unique ticket id in entry i's value (a text query that matches exactly one entry). */
export const ticketOf = (i: number) => `T${(i * 7919 + 104729) % 10_000_019}`;

function valueOf(i: number, rand: () => number): string {
  const words: string[] = [];
  for (let w = 0; w < 20; w++) words.push(WORDS[Math.floor(rand() * rand() * WORDS.length)]!);
  return JSON.stringify({ task: `task ${i}`, status: rand() < 0.7 ? 'working' : 'done', ticket: ticketOf(i), summary: words.join(' '), step: i % 17 });
}

export function generate(
  path: string,
  opts: { entries: number; changes: number; sessions: number; boardItems: number; checkpoints: number; via?: 'sql' | 'service' },
): GenResult {
  const t0 = performance.now();
  const end = Date.now() - 60_000;
  const start = end - 90 * DAY;
  let clock = start;
  const db = openDatabase(path);
  // A page cache that holds the working set (the server keeps SQLite's default): with the default 2 MB
  // every transaction of 5,000 inserts spilled pages mid-transaction and the load slowed as the file grew.
  db.sqlite.pragma('cache_size = -2000000');
  const services = createServices(db, { now: () => clock });
  const { memory, feed, items, sessions, analytics } = services;
  // What MemoryService.store writes for a key's first version (no TTL, not session-shaped).
  const insertEntry = db.sqlite.prepare<[string, string, string, number, number, number, string]>(
    'INSERT INTO memory_entries (namespace, key, value, version, size, created_at, updated_at, updated_by, expires_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, NULL)',
  );
  const insertHistory = db.sqlite.prepare<[number, string, string, string, string, number]>(
    "INSERT INTO memory_history (seq, namespace, key, op, version, value, actor, at, expires_at) VALUES (?, ?, ?, 'store', 1, ?, ?, ?, NULL)",
  );
  const firstStore = (namespace: string, key: string, value: string, actor: string) => {
    insertEntry.run(namespace, key, value, Buffer.byteLength(value), clock, clock, actor);
    const seq = feed.append({ topic: 'memory', namespace, key, op: 'store', version: 1, value, actor, at: clock, expiresAt: null });
    insertHistory.run(seq, namespace, key, value, actor, clock);
  };
  const writers = Array.from({ length: 50 }, (_, i) => systemWriter(`agent-${i}`));
  const person = 'Dana (bench)';
  const rand = rng(42);
  const BATCH = 5000;
  const fillerPool = Array.from({ length: 4096 }, (_, i) => valueOf(i + 1, rand));

  // Sessions are created along the last 25 days of the timeline; the big board at the end.
  const sessionsFrom = end - 25 * DAY;
  let sessionsMade = 0;
  let sessionSeconds = 0;
  const makeSessions = (upTo: number) => {
    const t = performance.now();
    while (sessionsMade < upTo) {
      const i = sessionsMade++;
      const id = `bench-s-${i}`;
      const namespace = `team-${i % 40}`;
      const startedAt = new Date(start + Math.floor(((i + 0.5) / opts.sessions) * 90 * DAY)).toISOString();
      const writer = writers[i % writers.length]!;
      memory.store(
        {
          namespace,
          key: `session/${id}/init`,
          value: JSON.stringify({
            session_id: id,
            project_name: `project-${i % 25}`,
            developer_id: `developer-${String(i % 60).padStart(3, '0')}`,
            started_at: startedAt,
            focus_area: WORDS[i % WORDS.length],
            expected_duration: '4 hours',
            goals: [`Ship ${WORDS[i % WORDS.length]} ${i}`, `Test ${WORDS[(i * 7) % WORDS.length]}`, 'Update the docs'],
            context: { current_branch: `feature/${i}`, last_commit: `c${i.toString(16)}`, active_files: [`/src/${i % 50}.ts`] },
          }),
        },
        writer,
      );
      if (i % 2 === 0) {
        memory.store(
          {
            namespace,
            key: `session/${id}/state`,
            value: JSON.stringify({
              session_id: id,
              last_updated: new Date(clock).toISOString(),
              progress: { api: { status: i % 4 === 0 ? 'completed' : 'in-progress', completion_percentage: (i * 13) % 100, next_steps: ['Write tests'] } },
              blockers: [{ type: 'technical', description: `Waiting on ${WORDS[(i * 3) % WORDS.length]} review`, priority: i % 6 === 0 ? 'high' : 'medium' }],
              decisions: [{ topic: 'Storage', decision: 'SQLite', rationale: 'One file', timestamp: new Date(clock).toISOString() }],
              metrics: { lines_of_code: i * 3, tests_written: i % 40, test_coverage: 0.8, files_modified: 3, commits_made: 2 },
            }),
          },
          writer,
        );
      }
    }
    sessionSeconds += (performance.now() - t) / 1000;
  };

  // ---- entries, with further change rows on the same clock
  const tEntries = performance.now();
  const sessionChangesEstimate = opts.sessions * 1.5 + opts.boardItems + opts.checkpoints + 10;
  const fillerTotal = Math.max(0, opts.changes - opts.entries - sessionChangesEstimate);
  let fillerDone = 0;
  for (let b = 0; b < opts.entries; b += BATCH) {
    const n = Math.min(BATCH, opts.entries - b);
    db.sqlite.transaction(() => {
      const fillerUpTo = Math.round((fillerTotal * (b + n)) / opts.entries);
      const perEntry = (fillerUpTo - fillerDone) / n;
      let owed = 0;
      for (let i = b; i < b + n; i++) {
        clock = start + Math.floor((i / opts.entries) * (end - start));
        const namespace = nsOf(i);
        const key = keyOf(i);
        const writer = writers[i % writers.length]!;
        owed += perEntry;
        for (; owed >= 1; owed--) {
          // An earlier version of a generated key, as ChangeFeed.append writes a memory store.
          feed.append({
            topic: 'memory',
            namespace,
            key,
            op: 'store',
            version: 1,
            value: fillerPool[fillerDone++ & 4095]!,
            actor: writer.label,
            at: clock,
            expiresAt: null,
          });
        }
        if (opts.via === 'service') memory.store({ namespace, key, value: valueOf(i, rand) }, writer);
        else firstStore(namespace, key, valueOf(i, rand), writer.label);
      }
      if (clock >= sessionsFrom) makeSessions(Math.min(opts.sessions, Math.ceil((opts.sessions * (clock - sessionsFrom)) / (end - sessionsFrom))));
    })();
    if (b % 100_000 === 0) process.stderr.write(`[gen] ${b + n} entries, ${fillerDone} extra changes\n`);
  }
  db.sqlite.transaction(() => makeSessions(opts.sessions))();
  const entrySeconds = (performance.now() - tEntries) / 1000 - sessionSeconds;

  // ---- the big board: a team-coordination session with items and checkpoints
  const tBoard = performance.now();
  clock = end - 2 * DAY;
  memory.store(
    {
      namespace: 'coordination-sessions',
      key: `session/${BIG_BOARD_ID}/init`,
      value: JSON.stringify({
        session_id: BIG_BOARD_ID,
        session_type: 'team-coordination',
        title: 'Release train (bench board)',
        coordinator: 'team-lead-001',
        participants: ['backend-dev-001', 'frontend-dev-001', 'qa-engineer-001'],
        meeting_duration: '90 minutes',
        started_at: new Date(clock).toISOString(),
      }),
    },
    writers[0]!,
  );
  db.sqlite.transaction(() => {
    for (let i = 0; i < opts.boardItems; i++) {
      clock += 1000;
      if (i % 5 === 0)
        items.add(BIG_BOARD_ID, { kind: 'agenda', data: { title: `Agenda ${i}: ${WORDS[i % WORDS.length]}`, timeboxMinutes: 5 + (i % 20) } }, person);
      else
        items.add(
          BIG_BOARD_ID,
          { kind: 'action', data: { title: `Action ${i}: ${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]}`, owner: `dev-${i % 9}` } },
          person,
        );
    }
    for (let i = 0; i < opts.checkpoints; i++) {
      clock += 1000;
      sessions.checkpoint(BIG_BOARD_ID, { label: `Checkpoint ${i}` }, person);
    }
  })();
  const boardSeconds = (performance.now() - tBoard) / 1000;

  // ---- what the sweeper would do at the server's first ticks
  const tTick = performance.now();
  clock = Date.now();
  for (let i = 0; i < 100; i++) {
    const r = sessions.tick();
    if (r.autosaved.length === 0 && r.interrupted.length === 0) break;
  }
  analytics.writeStats.catchUp(clock);
  const tickSeconds = (performance.now() - tTick) / 1000;

  const tCheckpoint = performance.now();
  db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const changes = feed.headSeq();
  let tables: Record<string, number> | null = null;
  try {
    tables = Object.fromEntries(
      db.sqlite
        .prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
        .all()
        .map((r) => [r.name, r.bytes]),
    );
  } catch {
    tables = null; // dbstat not compiled in
  }
  db.close();
  const checkpointSeconds = (performance.now() - tCheckpoint) / 1000;
  const fileBytes = statSync(path).size;
  const entryBytes = tables
    ? Object.entries(tables)
        .filter(([name]) => /memory_entries|memory_history|fts/i.test(name))
        .reduce((s, [, v]) => s + v, 0)
    : null;
  return {
    path,
    entries: opts.entries,
    changes,
    changesByService: changes - fillerDone,
    changesAppendedRaw: fillerDone,
    sessions: sessionsMade,
    boardId: BIG_BOARD_ID,
    boardItems: opts.boardItems,
    checkpoints: opts.checkpoints,
    namespaces: GEN_NAMESPACES,
    seconds: {
      entriesAndChanges: Math.round(entrySeconds),
      sessions: Math.round(sessionSeconds),
      board: Math.round(boardSeconds),
      tickAndFold: Math.round(tickSeconds),
      checkpoint: Math.round(checkpointSeconds),
      total: Math.round((performance.now() - t0) / 1000),
    },
    fileBytes,
    tables,
    bytesPerEntry: entryBytes === null ? null : Math.round(entryBytes / opts.entries),
    bytesPerChange: tables?.changes ? Math.round(tables.changes / changes) : null,
    fileBytesPerEntry: Math.round(fileBytes / opts.entries),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: npx tsx bench/gen.ts <database file>');
    process.exit(2);
  }
  const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const result = generate(path, {
    entries: num('BENCH_GEN_ENTRIES', 1_000_000),
    changes: num('BENCH_GEN_CHANGES', 10_000_000),
    sessions: num('BENCH_GEN_SESSIONS', 2000),
    boardItems: num('BENCH_GEN_BOARD_ITEMS', 500),
    checkpoints: num('BENCH_GEN_CHECKPOINTS', 200),
    via: process.env.BENCH_GEN_VIA === 'service' ? 'service' : 'sql',
  });
  console.log(JSON.stringify(result, null, 2));
}

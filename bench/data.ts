/**
 * `npx tsx bench/data.ts`: export and import of BENCH_DATA_ENTRIES (100,000) memory entries with
 * BENCH_DATA_VERSIONS (2) versions each (records/s), beside baselines measured in the same run on the
 * same rows (raw better-sqlite3: a SELECT serialised to JSON lines, an INSERT in one transaction),
 * and the time of an online backup of the database that produced (MB/s, and the size one minute
 * would cover at that rate). Prints one JSON object. Not part of `npm run bench`.
 * BENCH_DATA_ONLY=backup times only the backup (e.g. BENCH_DATA_ENTRIES=420000 for a ~500 MB file).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../db/client.ts';
import { systemWriter } from '../server/gate.ts';
import { backupDatabase } from '../server/safety/backup.ts';
import { applyImport, exportLines, parseExport } from '../server/safety/portable.ts';
import { createServices } from '../server/services.ts';

const ENTRIES = Number(process.env.BENCH_DATA_ENTRIES ?? 100_000);
const VERSIONS = Number(process.env.BENCH_DATA_VERSIONS ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'baton-bench-data-'));
const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
const timed = <T>(fn: () => T): [T, number] => {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
};
const value = (i: number, v: number) => JSON.stringify({ task: `task ${i}`, status: v === VERSIONS ? 'done' : 'working', notes: 'x'.repeat(120), v });

try {
  // ---- source database: entries written through the memory service, in batches of one transaction
  const aPath = join(dir, 'a.db');
  const a = openDatabase(aPath);
  const aServices = createServices(a);
  const writer = systemWriter('bench');
  const [, fillSeconds] = timed(() => {
    for (let v = 1; v <= VERSIONS; v++) {
      for (let start = 0; start < ENTRIES; start += 5000) {
        a.sqlite.transaction(() => {
          for (let i = start; i < Math.min(ENTRIES, start + 5000); i++)
            aServices.memory.store({ namespace: `ns-${i % 50}`, key: `key-${i}`, value: value(i, v) }, writer);
        })();
      }
    }
  });
  a.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const aBytes = statSync(aPath).size;

  // BENCH_DATA_ONLY=backup: only the online backup, for a database too large to export in a minute.
  if (process.env.BENCH_DATA_ONLY === 'backup') {
    const t = performance.now();
    const info = await backupDatabase(a.sqlite, join(dir, 'backup.db'));
    const seconds = (performance.now() - t) / 1000;
    a.close();
    console.log(
      JSON.stringify(
        {
          entries: ENTRIES,
          versionsPerEntry: VERSIONS,
          fill: { seconds: round(fillSeconds, 1) },
          database: { mb: mb(aBytes) },
          backup: { mb: mb(info.size), seconds: round(seconds, 2), mbPerSecond: round(mb(info.size) / seconds), quickCheckIncluded: true },
        },
        null,
        2,
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  // ---- export
  const exportFile = join(dir, 'export.ndjson');
  const [exported, exportSeconds] = timed(() => {
    const lines: string[] = [];
    for (const line of exportLines(aPath)) lines.push(line);
    writeFileSync(exportFile, `${lines.join('\n')}\n`);
    return lines.length - 1;
  });
  // Baseline: the same rows read raw and written as JSON lines.
  const [, exportBaseSeconds] = timed(() => {
    const db = new Database(aPath, { readonly: true });
    const lines: string[] = [];
    const history = db.prepare('SELECT * FROM memory_history WHERE namespace = ? AND key = ? ORDER BY seq');
    for (const row of db.prepare('SELECT * FROM memory_entries ORDER BY namespace, key').iterate() as Iterable<{ namespace: string; key: string }>) {
      lines.push(JSON.stringify({ type: 'entry', ...row, history: history.all(row.namespace, row.key) }));
    }
    writeFileSync(join(dir, 'baseline.ndjson'), `${lines.join('\n')}\n`);
    db.close();
  });

  // ---- import into an empty database
  const bPath = join(dir, 'b.db');
  const b = openDatabase(bPath);
  const bServices = createServices(b);
  const text = (await import('node:fs')).readFileSync(exportFile, 'utf8');
  const [parsed, parseSeconds] = timed(() => parseExport(text));
  const [summary, applySeconds] = timed(() => applyImport(b, bServices, parsed, { mode: 'skip', writer }));
  const imported = parsed.records.length;
  // Baseline: the same entries and history rows inserted raw, in one transaction.
  const [, importBaseSeconds] = timed(() => {
    const db = new Database(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE e (namespace TEXT, key TEXT, value TEXT, version INT, PRIMARY KEY (namespace, key)); CREATE TABLE h (namespace TEXT, key TEXT, version INT, value TEXT)',
    );
    const ins = db.prepare('INSERT INTO e VALUES (?, ?, ?, ?)');
    const insH = db.prepare('INSERT INTO h VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const line of text.split('\n').slice(1)) {
        if (!line) continue;
        const r = JSON.parse(line) as {
          type: string;
          namespace?: string;
          key?: string;
          value?: string;
          version?: number;
          history?: { version: number; value: string }[];
        };
        if (r.type !== 'entry') continue;
        ins.run(r.namespace, r.key, r.value, r.version);
        for (const h of r.history ?? []) insH.run(r.namespace, r.key, h.version, h.value);
      }
    })();
    db.close();
  });

  // ---- backup of the source database
  const [backup, backupSeconds] = await (async () => {
    const t = performance.now();
    const info = await backupDatabase(a.sqlite, join(dir, 'backup.db'));
    return [info, (performance.now() - t) / 1000] as const;
  })();
  const mbPerSecond = mb(backup.size) / backupSeconds;
  a.close();
  b.close();

  const result = {
    entries: ENTRIES,
    versionsPerEntry: VERSIONS,
    fill: { seconds: round(fillSeconds, 1), writesPerSecond: round((ENTRIES * VERSIONS) / fillSeconds) },
    database: { mb: mb(aBytes) },
    export: {
      records: exported,
      seconds: round(exportSeconds, 2),
      recordsPerSecond: round(exported / exportSeconds),
      fileMb: mb(statSync(exportFile).size),
      baselineRecordsPerSecond: round(ENTRIES / exportBaseSeconds),
    },
    import: {
      records: imported,
      parseSeconds: round(parseSeconds, 2),
      applySeconds: round(applySeconds, 2),
      recordsPerSecond: round(imported / (parseSeconds + applySeconds)),
      counts: summary.counts,
      baselineRecordsPerSecond: round(ENTRIES / importBaseSeconds),
    },
    backup: {
      mb: mb(backup.size),
      seconds: round(backupSeconds, 2),
      mbPerSecond: round(mbPerSecond),
      quickCheckIncluded: true,
      mbInOneMinuteAtThisRate: round(mbPerSecond * 60),
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbHandle } from '../../db/client.ts';
import { onlineBackupSource } from '../../db/snapshot.ts';
import { BatonError } from '../../lib/errors.ts';
import type { Logger } from '../logger.ts';

// Backups (issue 17): SQLite's online backup API, never a copy of the live file and its WAL. On
// PostgreSQL the backup is pg_dump: the routes answer 409 saying so (docs/operations.md).
//
// The backup reads the database through the connection that writes it, a few hundred pages per
// step between which the event loop runs: writes made meanwhile on that connection are carried
// into the copy by SQLite, so the result is the database as of the backup's end, consistent, and
// holds every write acknowledged before it began. A step is a short read transaction, so the WAL
// checkpointer (db/checkpointer.ts, a PASSIVE checkpoint once a second on its own connection) keeps
// copying the WAL back between steps: a backup does not let the WAL grow. (VACUUM INTO would hold
// one read transaction, and the event loop, for the whole copy.)

/** Pages copied per step: ~1.6 MB, a few ms of blocking per step. */
const STEP_PAGES = 400;

export interface BackupInfo {
  file: string;
  name: string;
  size: number;
  /** When it was written (ms). */
  at: number;
}

/** The quick_check verdict of a database file ('ok' when sound). */
export function quickCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    return rows.map((r) => r.quick_check).join('; ');
  } finally {
    db.close();
  }
}

/**
 * Writes a consistent copy of the database `sqlite` has open to `file` (mode 0600), checks it with
 * `PRAGMA quick_check`, and only then gives it its name: a failed backup never leaves a file that
 * looks good.
 */
export async function backupDatabase(sqlite: Database.Database, file: string): Promise<BackupInfo & { ms: number }> {
  const started = Date.now();
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    await sqlite.backup(tmp, { progress: () => STEP_PAGES });
    // The copy carries WAL mode in its header: leave it a plain single file.
    const db = new Database(tmp);
    db.pragma('journal_mode = DELETE');
    db.close();
    const verdict = quickCheck(tmp);
    if (verdict !== 'ok') throw new BatonError('internal', `backup failed its integrity check: ${verdict}`);
    chmodSync(tmp, 0o600);
    renameSync(tmp, target);
  } catch (err) {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
    throw err;
  }
  const size = statSync(target).size;
  return { file: target, name: basename(target), size, at: Date.now(), ms: Date.now() - started };
}

const BACKUP_NAME = /^baton-\d{8}-\d{6}(?:-\d+)?\.db$/;
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Backups in a folder, newest first. */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n))
    .map((name) => {
      const st = statSync(join(dir, name));
      return { file: join(dir, name), name, size: st.size, at: st.mtimeMs };
    })
    .sort((a, b) => b.name.localeCompare(a.name));
}

export interface BackupSchedule {
  dir: string;
  intervalMinutes: number;
  keep: number;
}

const PG_DUMP =
  'the store is PostgreSQL, which Baton does not copy itself: back it up with pg_dump (online and consistent while the nodes run); ' +
  '`baton backup FILE` with DATABASE_URL set prints the pg_dump and pg_restore commands (docs/operations.md, "PostgreSQL (several nodes)")';

/** The answer to a backup asked of a server on PostgreSQL: 409, never a 500. */
const notOnPostgres = () => new BatonError('version_conflict', `backup: ${PG_DUMP}`, { field: 'DATABASE_URL' });

/**
 * Scheduled backups into BACKUP_DIR every BACKUP_INTERVAL_MINUTES, keeping the newest BACKUP_KEEP,
 * and "Back up now". Knows the time of the last good backup (health, metrics, doctor).
 */
export class Backups {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<BackupInfo & { ms: number }> | null = null;
  private lastGood: number | null = null;
  /** What the online backup copies from; null on PostgreSQL, which is backed up with pg_dump. */
  private readonly source: Database.Database | null;
  /** BACKUP_DIR and its timing; null when not set, or when the store is PostgreSQL. */
  readonly schedule: BackupSchedule | null;

  constructor(
    handle: DbHandle,
    schedule: BackupSchedule | null,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.source = onlineBackupSource(handle);
    this.schedule = this.source ? schedule : null;
    if (schedule && !this.source) logger.warn({ dir: schedule.dir }, `BACKUP_DIR is ignored: ${PG_DUMP}`);
    if (this.schedule) this.lastGood = listBackups(this.schedule.dir)[0]?.at ?? null;
  }

  start(): void {
    if (!this.schedule || this.timer) return;
    this.timer = setInterval(() => {
      this.runNow().catch((err: unknown) => this.logger.error({ err }, 'scheduled backup failed'));
    }, this.schedule.intervalMinutes * 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  lastGoodAt(): number | null {
    return this.lastGood;
  }

  list(): BackupInfo[] {
    return this.schedule ? listBackups(this.schedule.dir) : [];
  }

  /** A backup into BACKUP_DIR now (one at a time: a second call waits for the running one). */
  runNow(): Promise<BackupInfo & { ms: number }> {
    if (!this.source) return Promise.reject(notOnPostgres());
    if (!this.schedule)
      return Promise.reject(new BatonError('invalid_input', 'BACKUP_DIR is not set: this server keeps no backups of its own', { field: 'BACKUP_DIR' }));
    this.running ??= this.write(this.schedule).finally(() => (this.running = null));
    return this.running;
  }

  /** A backup to any file (the CLI's `baton backup` through the server). */
  async to(file: string): Promise<BackupInfo & { ms: number }> {
    if (!this.source) throw notOnPostgres();
    const info = await backupDatabase(this.source, file);
    this.lastGood = info.at;
    return info;
  }

  private async write(schedule: BackupSchedule): Promise<BackupInfo & { ms: number }> {
    let name = `baton-${stamp(this.now())}.db`;
    for (let i = 2; existsSync(join(schedule.dir, name)); i++) name = `baton-${stamp(this.now())}-${i}.db`;
    const info = await this.to(join(schedule.dir, name));
    this.logger.info({ file: info.file, size: info.size, ms: info.ms }, 'backup written');
    for (const old of listBackups(schedule.dir).slice(schedule.keep)) rmSync(old.file, { force: true });
    return info;
  }
}

// ---- restore --------------------------------------------------------------------------------

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

/** How many migrations this code knows, and how many a database file has applied. */
export function schemaVersions(file: string): { known: number; applied: number } {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = '__drizzle_migrations'").get() as { n: number };
    const applied = has.n ? (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
    return { known: journal.entries.length, applied };
  } finally {
    db.close();
  }
}

/**
 * Whether another connection has the database open (a running server, `baton mcp`, the CLI): in WAL
 * mode leaving WAL needs the only connection, so SQLite refuses while anyone else holds it.
 */
export function databaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    const mode = db.pragma('journal_mode', { simple: true });
    if (mode !== 'wal') return false;
    try {
      db.pragma('journal_mode = DELETE');
    } catch {
      return true;
    }
    const now = db.pragma('journal_mode', { simple: true });
    if (now !== 'delete') return true;
    db.pragma('journal_mode = WAL');
    return false;
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  target: string;
  from: string;
  /** Migrations applied to bring an older backup forward. */
  migrated: number;
  size: number;
}

/**
 * Restores a backup to `target`: checks the backup (quick_check), refuses one written by a newer
 * Baton, refuses to replace a database another process has open unless `force`, migrates an older
 * backup forward on a copy, and only then moves the copy into place (the target's stale -wal and
 * -shm removed first, so they can never be replayed onto the restored file).
 */
export async function restoreDatabase(backup: string, target: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const from = resolve(backup);
  const to = resolve(target);
  if (!existsSync(from)) throw new BatonError('not_found', `backup: no file ${from}`, { field: 'backup' });
  const verdict = quickCheck(from);
  if (verdict !== 'ok') throw new BatonError('invalid_input', `backup: failed its integrity check (${verdict})`, { field: 'backup' });
  const versions = schemaVersions(from);
  if (versions.applied > versions.known) {
    throw new BatonError(
      'invalid_input',
      `backup: written by a newer Baton (${versions.applied} migrations, this one knows ${versions.known}); upgrade first`,
      { field: 'backup' },
    );
  }
  if (!options.force && databaseInUse(to)) {
    throw new BatonError('version_conflict', `db: ${to} is open in another process (a running server?); stop it first, or pass --force`, { field: 'db' });
  }
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(to), `.${basename(to)}.restore-${randomBytes(4).toString('hex')}`);
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    // A copy through SQLite (the backup may itself be in WAL mode), then migrated forward.
    const source = new Database(from, { readonly: true });
    await source.backup(tmp);
    source.close();
    const { openDatabase } = await import('../../db/client.ts');
    const handle = openDatabase(tmp);
    const check = handle.sqlite.pragma('quick_check', { simple: true });
    handle.sqlite.pragma('journal_mode = DELETE');
    handle.close();
    if (check !== 'ok') throw new BatonError('internal', `restore: the migrated copy failed its integrity check (${String(check)})`);
    for (const f of [`${to}-wal`, `${to}-shm`]) rmSync(f, { force: true });
    chmodSync(tmp, 0o600);
    renameSync(tmp, to);
  } catch (err) {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
    throw err;
  }
  return { target: to, from, migrated: versions.known - versions.applied, size: statSync(to).size };
}

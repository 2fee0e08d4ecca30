/** Data safety settings (issue 17), from the environment (server/env.ts) or a test. */
export interface DataOptions {
  /** Scheduled backups go here (BACKUP_DIR); none when unset. */
  backupDir?: string;
  /** BACKUP_INTERVAL_MINUTES (default 60). */
  backupIntervalMinutes?: number;
  /** BACKUP_KEEP: the newest backups kept (default 24). */
  backupKeep?: number;
  /** IMPORT_MAX_BYTES: the largest import body (default 512 MiB). */
  maxImportBytes?: number;
  /** HISTORY_KEEP: versions kept per key (default 20). */
  historyKeep?: number;
  /** SESSION_ARCHIVE_DAYS: completed or abandoned sessions are archived after this (default 30; 0: never). */
  sessionArchiveDays?: number;
  /** AUDIT_RETENTION_DAYS: audit rows older than this are deleted (default 365; 0: kept forever). */
  auditRetentionDays?: number;
  /** METRICS_TOKEN: a bearer token for GET /metrics besides an admin token. */
  metricsToken?: string;
}

export const DATA_DEFAULTS = {
  backupIntervalMinutes: 60,
  backupKeep: 24,
  maxImportBytes: 512 * 1024 * 1024,
  historyKeep: 20,
  sessionArchiveDays: 30,
  auditRetentionDays: 365,
} as const;

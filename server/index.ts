import { resolve } from 'node:path';
import { createApplication } from './app.ts';
import { parseEnv, serverStartRefusal } from './env.ts';
import { createLogger } from './logger.ts';

const parsed = parseEnv(process.env);
if (!parsed.ok) {
  console.error(parsed.message);
  process.exit(1);
}
const env = parsed.env;
const refusal = serverStartRefusal(env);
if (refusal) {
  console.error(refusal);
  process.exit(1);
}
const logger = createLogger(env.LOG_LEVEL);

try {
  const app = await createApplication({
    databasePath: env.DATABASE_PATH,
    databaseUrl: env.DATABASE_URL,
    searchWorker: true,
    web: { dev: env.NODE_ENV === 'development', dir: resolve(import.meta.dirname, '..') },
    maxValueBytes: env.MAX_VALUE_BYTES,
    maxJsonDepth: env.MAX_JSON_DEPTH,
    sweepIntervalMs: env.SWEEP_INTERVAL_MS,
    feedPollMs: env.FEED_POLL_MS,
    feedRetention: env.FEED_RETENTION,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    logger,
    authSecret: env.BATON_AUTH_SECRET,
    secureCookies: env.BATON_SECURE_COOKIES === 'true',
    admin:
      env.BATON_ADMIN_EMAIL && env.BATON_ADMIN_PASSWORD
        ? { email: env.BATON_ADMIN_EMAIL, password: env.BATON_ADMIN_PASSWORD, name: env.BATON_ADMIN_NAME }
        : undefined,
    notify: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === 'true', publicUrl: env.BATON_PUBLIC_URL },
    data: {
      backupDir: env.BACKUP_DIR,
      backupIntervalMinutes: env.BACKUP_INTERVAL_MINUTES,
      backupKeep: env.BACKUP_KEEP,
      maxImportBytes: env.IMPORT_MAX_BYTES,
      historyKeep: env.HISTORY_KEEP,
      sessionArchiveDays: env.SESSION_ARCHIVE_DAYS,
      auditRetentionDays: env.AUDIT_RETENTION_DAYS,
      metricsToken: env.METRICS_TOKEN,
    },
    rateLimits: {
      writesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE,
      signInPerMinutePerIp: env.RATE_LIMIT_SIGNIN_PER_MINUTE,
    },
  });
  const url = await app.listen(env.PORT, env.HOST);
  logger.info({ url, database: env.DATABASE_URL ? app.db.path : resolve(env.DATABASE_PATH) }, `Baton is running at ${url}`);
  // Test harnesses read this line to learn the port when PORT=0.
  if (process.env.BATON_PRINT_URL) console.log(`BATON_URL=${url}`);
  const shutdown = async () => {
    logger.info('shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  logger.fatal(`Baton failed to start: ${message}`);
  process.exit(1);
}

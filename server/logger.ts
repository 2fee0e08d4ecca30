import { pino } from 'pino';

export type Logger = ReturnType<typeof pino>;

export function createLogger(level: string): Logger {
  // Never log request bodies or auth headers: values may hold secrets agents stored.
  return pino({ level, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}

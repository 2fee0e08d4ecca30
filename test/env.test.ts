import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseEnv, serverStartRefusal } from '../server/env.ts';

describe('environment', () => {
  it('takes the defaults on an empty environment', () => {
    const r = parseEnv({});
    expect(r.ok && r.env).toMatchObject({ PORT: 3000, DATABASE_PATH: './data/baton.db', MAX_VALUE_BYTES: 1048576, SESSION_IDLE_MINUTES: 120 });
  });

  it('names every bad variable, and the owner bootstrap needs both halves', () => {
    const r = parseEnv({ PORT: 'eighty', MAX_VALUE_BYTES: '-1', LOG_LEVEL: 'loud', BATON_ADMIN_EMAIL: 'owner@example.test' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const name of ['PORT', 'MAX_VALUE_BYTES', 'LOG_LEVEL']) expect(r.message).toContain(name);
    expect(parseEnv({ BATON_ADMIN_EMAIL: 'owner@example.test' }).ok).toBe(false);
  });

  const SECRET = 'x'.repeat(32);

  it('DATABASE_URL must be a postgres:// or postgresql:// URL, named in the error', () => {
    for (const url of ['postgres://baton@db:5432/baton', 'postgresql://baton:pw@db/baton']) {
      const r = parseEnv({ DATABASE_URL: url, BATON_AUTH_SECRET: SECRET });
      expect(r.ok && r.env.DATABASE_URL).toBe(url);
    }
    for (const url of ['mysql://db/baton', 'db.internal:5432', './data/baton.db']) {
      const r = parseEnv({ DATABASE_URL: url, BATON_AUTH_SECRET: SECRET });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/DATABASE_URL: must be (a postgres:\/\/ or postgresql:\/\/ URL|a URL such as postgres:)/);
    }
  });

  it('refuses several nodes on SQLite: BATON_NODE_ID or BATON_CLUSTER=true without DATABASE_URL', () => {
    for (const env of [{ BATON_NODE_ID: 'node-a' }, { BATON_CLUSTER: 'true' }]) {
      const r = parseEnv(env);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/DATABASE_URL: several nodes .* need one shared PostgreSQL database/);
    }
    expect(parseEnv({ BATON_CLUSTER: 'false' }).ok).toBe(true);
    expect(parseEnv({ BATON_NODE_ID: 'node-a', DATABASE_URL: 'postgres://db/baton', BATON_AUTH_SECRET: SECRET }).ok).toBe(true);
    const bad = parseEnv({ BATON_NODE_ID: 'node a!', DATABASE_URL: 'postgres://db/baton', BATON_AUTH_SECRET: SECRET });
    expect(!bad.ok && bad.message).toContain('BATON_NODE_ID: must be 1 to 64 letters');
  });

  it('refuses DATABASE_URL without BATON_AUTH_SECRET: every node needs the same secret', () => {
    const r = parseEnv({ DATABASE_URL: 'postgres://db/baton' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/BATON_AUTH_SECRET: must be set with DATABASE_URL: every node needs the same secret/);
  });

  it('DATABASE_URL may start the server; with BACKUP_DIR (a SQLite file copy) it is refused, pointing at pg_dump', () => {
    const r = parseEnv({ DATABASE_URL: 'postgres://db/baton', BATON_AUTH_SECRET: SECRET });
    expect(r.ok && serverStartRefusal(r.env)).toBeNull();
    const withBackups = parseEnv({ DATABASE_URL: 'postgres://db/baton', BATON_AUTH_SECRET: SECRET, BACKUP_DIR: './backups' });
    expect(withBackups.ok).toBe(true);
    if (withBackups.ok) expect(serverStartRefusal(withBackups.env)).toMatch(/^BACKUP_DIR copies the SQLite file .* pg_dump/);
    const lite = parseEnv({ BACKUP_DIR: './backups' });
    expect(lite.ok && serverStartRefusal(lite.env)).toBeNull();
  });

  const startServer = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('node', ['--import', 'tsx', 'server/index.ts'], { env: { ...process.env, PORT: '0', ...env } });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });

  it('the server refuses DATABASE_URL with BACKUP_DIR plainly, and an unreachable PostgreSQL without a stack trace', async () => {
    const refused = await startServer({
      DATABASE_URL: 'postgres://baton@127.0.0.1:5432/baton',
      BATON_AUTH_SECRET: SECRET,
      BACKUP_DIR: '/tmp/never-created/backups',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^BACKUP_DIR copies the SQLite file/);
    expect(refused.stderr).not.toMatch(/\bat .+\.ts:\d+/);
    // Nothing listens on port 1: the start fails with the connection error, in one line.
    const down = await startServer({ DATABASE_URL: 'postgres://baton@127.0.0.1:1/baton', BATON_AUTH_SECRET: SECRET, LOG_LEVEL: 'fatal' });
    expect(down.code).toBe(1);
    expect(down.stderr + '').not.toMatch(/\bat .+\.ts:\d+/);
  });

  it('the server refuses to start on a bad variable with that message, no stack trace', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('node', ['--import', 'tsx', 'server/index.ts'], {
        env: { ...process.env, PORT: 'not-a-port', DATABASE_PATH: '/tmp/never-created/baton.db' },
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid environment:\n\s+PORT: /);
    expect(stderr).not.toMatch(/\bat .+\.ts:\d+/);
  });
});

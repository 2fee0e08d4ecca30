import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../server/env.ts';

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

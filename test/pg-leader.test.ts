import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CHORES_LOCK_ID, runAsLeader } from '../db/pg/leader.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/leader-child.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RETRY_MS = 250;
const HEARTBEAT_MS = 500;
const LEASE_MS = 3000;

interface ChildEvent {
  event: 'started' | 'acquired' | 'lost' | 'stopped';
  at: number;
  pid: number;
  reason?: string;
}

/** A node in its own process, competing for the chores lock (test/fixtures/leader-child.ts). */
class Node {
  readonly events: ChildEvent[] = [];
  readonly child: ChildProcess;
  private stderr = '';

  constructor(url: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', fixture, url, String(CHORES_LOCK_ID), String(RETRY_MS), String(HEARTBEAT_MS), String(LEASE_MS)], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as ChildEvent);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  has(event: ChildEvent['event']): ChildEvent | undefined {
    return this.events.find((e) => e.event === event);
  }

  async waitFor(event: ChildEvent['event'], timeoutMs: number): Promise<ChildEvent> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.has(event);
      if (found) return found;
      if (Date.now() > until) throw new Error(`node ${this.pid} did not report ${event} within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await sleep(20);
    }
  }
}

describePg('one worker for cluster-wide chores: a session-level advisory lock', () => {
  let db: FreshPgDatabase;
  let pool: pg.Pool;
  const nodes: Node[] = [];

  const choreRuns = async () =>
    (await pool.query<{ pid: number; at: string }>('SELECT pid, at FROM chore_runs ORDER BY at')).rows.map((r) => ({ pid: r.pid, at: Number(r.at) }));

  beforeAll(async () => {
    db = await freshPgDatabase('baton_leader');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query('CREATE TABLE chore_runs (pid integer NOT NULL, at bigint NOT NULL)');
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) {
      if (n.child.exitCode === null && n.child.signalCode === null) {
        n.child.kill('SIGCONT');
        n.child.kill('SIGKILL');
      }
    }
    await pool.query('DELETE FROM chore_runs');
    await sleep(300);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('of two processes exactly one runs the chore; kill -9 the leader and the other takes over within a second', async () => {
    const a = new Node(db.url);
    nodes.push(a);
    await a.waitFor('acquired', 20_000);
    const b = new Node(db.url);
    nodes.push(b);
    await b.waitFor('started', 20_000);
    await sleep(2000);
    expect(b.has('acquired')).toBeUndefined();
    const runsBefore = await choreRuns();
    expect(runsBefore.length).toBeGreaterThan(5);
    expect(new Set(runsBefore.map((r) => r.pid))).toEqual(new Set([a.pid]));

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    const took = await b.waitFor('acquired', 10_000);
    const takeoverMs = took.at - killedAt;
    console.log(`leader kill -9 → takeover by the other process in ${takeoverMs} ms (retry every ${RETRY_MS} ms)`);
    expect(takeoverMs).toBeLessThan(RETRY_MS + 1500);

    await sleep(600);
    const runs = await choreRuns();
    expect(runs.filter((r) => r.pid === a.pid && r.at > killedAt)).toEqual([]);
    expect(runs.filter((r) => r.pid === b.pid).length).toBeGreaterThan(2);
    expect(runs.filter((r) => r.pid === b.pid).every((r) => r.at >= took.at)).toBe(true);
  });

  it('a frozen leader (SIGSTOP: socket open, no heartbeat) loses the lock after its lease, and stops its chore when it resumes', async () => {
    const a = new Node(db.url);
    nodes.push(a);
    await a.waitFor('acquired', 20_000);
    const b = new Node(db.url);
    nodes.push(b);
    await b.waitFor('started', 20_000);
    await sleep(500);

    const frozenAt = Date.now();
    a.child.kill('SIGSTOP');
    const took = await b.waitFor('acquired', LEASE_MS + 10_000);
    const takeoverMs = took.at - frozenAt;
    console.log(`frozen leader → takeover in ${takeoverMs} ms (lease ${LEASE_MS} ms, heartbeat ${HEARTBEAT_MS} ms, retry ${RETRY_MS} ms)`);
    // PostgreSQL ended the silent session: bounded by the lease, not by when (or whether) the process comes back.
    expect(takeoverMs).toBeGreaterThan(LEASE_MS - HEARTBEAT_MS - 200);
    expect(takeoverMs).toBeLessThan(LEASE_MS + RETRY_MS + 2000);

    await sleep(500);
    const resumedAt = Date.now();
    a.child.kill('SIGCONT');
    const lost = await a.waitFor('lost', 5000);
    expect(lost.reason).toBe('connection lost');
    console.log(`frozen leader resumed: onLose ${lost.at - resumedAt} ms later`);
    await sleep(500);
    const runs = await choreRuns();
    // Its chore checks isLeader (a lease on its own clock), so it skips the runs it owed instead of overlapping b.
    expect(runs.filter((r) => r.pid === a.pid && r.at >= took.at)).toEqual([]);
    expect(runs.filter((r) => r.pid === b.pid).length).toBeGreaterThan(5);
    expect(a.has('acquired')).toBeDefined();
    expect(b.events.filter((e) => e.event === 'lost')).toEqual([]);
  });

  it('stop() hands the lock over at once; options are checked', async () => {
    const log: string[] = [];
    const first = runAsLeader(
      pool,
      4242,
      { onAcquire: () => void log.push('first acquired'), onLose: (r) => void log.push(`first lost: ${r}`) },
      { retryMs: 50 },
    );
    for (let i = 0; i < 100 && !first.isLeader; i++) await sleep(20);
    expect(first.isLeader).toBe(true);
    const second = runAsLeader(
      pool,
      4242,
      { onAcquire: () => void log.push('second acquired'), onLose: (r) => void log.push(`second lost: ${r}`) },
      { retryMs: 50 },
    );
    await sleep(300);
    expect(second.isLeader).toBe(false);
    await first.stop();
    for (let i = 0; i < 100 && !second.isLeader; i++) await sleep(20);
    expect(second.isLeader).toBe(true);
    await second.stop();
    expect(log).toEqual(['first acquired', 'first lost: stopped', 'second acquired', 'second lost: stopped']);

    const noop = { onAcquire: () => {}, onLose: () => {} };
    expect(() => runAsLeader(pool, 1, noop, { leaseMs: 2000, heartbeatMs: 1000 })).toThrow(/leaseMs must be at least 2 × heartbeatMs \+ 1000/);
    expect(() => runAsLeader(pool, 1, noop, { retryMs: 6000 })).toThrow(/retryMs must be less than leaseMs/);
    expect(() => runAsLeader(pool, 1.5, noop)).toThrow(/lockId must be an integer/);
  });
});

/** db/pg/cluster.ts: the feed's wake-ups between nodes, including after the LISTEN connection is lost. */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../db/pg/cluster.ts';
import { waitFor } from './helpers.ts';
import { describePg, freshPgDatabase, type FreshPgDatabase } from './pg-helpers.ts';

let db: FreshPgDatabase;
let writer: Cluster;
let reader: Cluster;

describePg('cluster wake-ups (NOTIFY after commit, LISTEN per node)', () => {
  beforeAll(async () => {
    db = await freshPgDatabase('baton_cluster');
    writer = createCluster(db.url);
    reader = createCluster(db.url, { reconnectMs: 50 });
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await db?.drop();
  });

  it('a commit on one node wakes the other; a lost LISTEN connection comes back and wakes it to re-read', async () => {
    let wakes = 0;
    const follow = reader.follow(() => wakes++);
    try {
      // The first wake is the connection itself: read from your last seq.
      await waitFor(() => wakes === 1, 5000, 'the wake on LISTEN');
      writer.committed();
      writer.committed(); // coalesced with the first: one NOTIFY per tick
      await waitFor(() => wakes === 2, 5000, 'the wake from the other node’s commit');
      await new Promise((r) => setTimeout(r, 200));
      expect(wakes).toBe(2);

      // Cut the LISTEN connection from the server side, as a restart or a network cut would.
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'baton-listen' AND datname = current_database()`,
        );
        expect(killed.rows.length).toBe(1);
      } finally {
        await admin.end();
      }
      // No NOTIFY is sent meanwhile: the reconnection alone wakes the follower, which re-reads what it missed.
      await waitFor(() => wakes === 3, 5000, 'the wake after reconnecting');
      writer.committed();
      await waitFor(() => wakes === 4, 5000, 'wake-ups working again');
    } finally {
      await follow.stop();
    }
  });
});

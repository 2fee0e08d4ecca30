import type { Context, Hono } from 'hono';
import { mkdtempSync, createReadStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DbHandle } from '../../db/client.ts';
import { BatonError } from '../../lib/errors.ts';
import type { AuditLog } from '../auth/audit.ts';
import { authorize } from '../auth/authorize.ts';
import type { Backups } from '../safety/backup.ts';
import { applyImport, exportLines, IMPORT_MODES, parseExport, type ImportMode, type ImportSummary } from '../safety/portable.ts';
import type { GateOp, WriteGate } from '../gate.ts';
import { restoreOp } from '../memory/ops.ts';
import type { MemoryService } from '../memory/service.ts';
import type { Services } from '../services.ts';
import { jsonBody } from './body.ts';
import { callerOf, type Env } from './caller.ts';

// Data safety routes (issue 17): rollback of one key, export and import, backups. Writes go
// through the write gate like every other route; this file only translates.

export interface DataRouteDeps {
  memory: MemoryService;
  gate: WriteGate;
  handle: DbHandle;
  services: Pick<Services, 'memory' | 'sessions' | 'handoffs' | 'feed'>;
  audit: AuditLog;
  backups: Backups;
  /** Wakes the broadcaster after an import committed. */
  onCommit: () => void;
  /** The largest import body (IMPORT_MAX_BYTES). */
  maxImportBytes: number;
  now?: () => number;
}

/** Import as a gate operation: admins only; the body is read only once the caller is let through. */
export function importOp(
  deps: Pick<DataRouteDeps, 'handle' | 'services'> & Partial<Pick<DataRouteDeps, 'onCommit' | 'now'>>,
  read: () => Promise<string> | string,
  options: { mode: ImportMode; dryRun: boolean; maxDepth: number },
): GateOp<ImportSummary> {
  return {
    action: options.dryRun ? 'data.import.dry-run' : 'data.import',
    target: `import:${options.mode}`,
    authorize: { action: 'admin' },
    run: async ({ writer }) => {
      const parsed = parseExport(await read(), options.maxDepth);
      return applyImport(deps.handle, deps.services, parsed, {
        mode: options.mode,
        dryRun: options.dryRun,
        writer,
        now: deps.now?.(),
        onCommit: deps.onCommit,
      });
    },
    detail: (r) => ({ mode: r.mode, dryRun: r.dryRun, lines: r.lines, counts: r.counts, seq: r.seq }),
  };
}

export function parseMode(value: string | undefined): ImportMode {
  const mode = (value ?? 'skip') as ImportMode;
  if (!IMPORT_MODES.includes(mode)) throw new BatonError('invalid_input', `mode: must be one of ${IMPORT_MODES.join(', ')}`, { field: 'mode' });
  return mode;
}

const truthy = (v: string | undefined) => v === '1' || v === 'true';

/** The request body as text, refused past `max` bytes whatever Content-Length said. */
async function boundedText(c: Context, max: number): Promise<string> {
  const length = Number(c.req.header('content-length'));
  if (Number.isFinite(length) && length > max) throw new BatonError('too_large', `body: over the import limit of ${max} bytes`, { field: 'body' });
  const body = c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw new BatonError('too_large', `body: over the import limit of ${max} bytes`, { field: 'body' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function registerDataRoutes(app: Hono<Env>, deps: Partial<DataRouteDeps> & Pick<DataRouteDeps, 'memory' | 'gate'>): void {
  const { memory, gate } = deps;

  app.post('/api/v1/memory/entry/restore', async (c) => {
    const body = await jsonBody(c);
    return c.json(await gate.write(callerOf(c), restoreOp(memory, body)));
  });

  const { handle, services, audit, backups } = deps;
  if (!handle || !services || !audit || !backups) return;
  const full = deps as DataRouteDeps;

  app.get('/api/v1/export', (c) => {
    const principal = c.get('principal');
    authorize(principal, { action: 'admin' });
    const namespace = c.req.query('namespace') || undefined;
    const lines = exportLines(handle, { namespace, now: deps.now?.() });
    audit.record({ principal, action: 'data.export', target: namespace ?? '*', outcome: 'ok', ip: c.get('ip'), detail: { via: 'rest' } });
    const stream = Readable.from(
      (function* () {
        for (const line of lines) yield `${line}\n`;
      })(),
    );
    const name = `baton-export-${new Date().toISOString().slice(0, 10)}.ndjson`;
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
    });
  });

  app.post('/api/v1/import', async (c) => {
    const mode = parseMode(c.req.query('mode'));
    const dryRun = truthy(c.req.query('dryRun'));
    const op = importOp(full, () => boundedText(c, full.maxImportBytes), { mode, dryRun, maxDepth: gate.maxDepth });
    return c.json(await gate.write(callerOf(c), op));
  });

  app.get('/api/v1/backups', (c) => {
    authorize(c.get('principal'), { action: 'admin' });
    const items = backups.list().map(({ name, size, at }) => ({ name, size, at: new Date(at).toISOString() }));
    const last = backups.lastGoodAt();
    return c.json({
      items,
      configured: backups.schedule !== null,
      intervalMinutes: backups.schedule?.intervalMinutes ?? null,
      keep: backups.schedule?.keep ?? null,
      lastGoodAt: last === null ? null : new Date(last).toISOString(),
    });
  });

  app.post('/api/v1/backups', async (c) => {
    const info = await gate.write(callerOf(c), {
      action: 'data.backup',
      target: 'backups',
      authorize: { action: 'admin' },
      run: () => backups.runNow(),
      detail: (r) => ({ name: r.name, size: r.size, ms: r.ms }),
    });
    return c.json({ name: info.name, size: info.size, at: new Date(info.at).toISOString(), ms: info.ms }, 201);
  });

  // A fresh backup streamed to the caller (`baton backup FILE` against a running server).
  app.get('/api/v1/backup', async (c) => {
    const principal = c.get('principal');
    authorize(principal, { action: 'admin' });
    const dir = mkdtempSync(join(tmpdir(), 'baton-backup-'));
    let info;
    try {
      info = await backups.to(join(dir, 'baton.db'));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    audit.record({
      principal,
      action: 'data.backup',
      target: 'download',
      outcome: 'ok',
      ip: c.get('ip'),
      detail: { via: 'rest', size: info.size, ms: info.ms },
    });
    const file = createReadStream(info.file);
    file.on('close', () => rmSync(dir, { recursive: true, force: true }));
    return new Response(Readable.toWeb(file) as ReadableStream, {
      headers: {
        'content-type': 'application/vnd.sqlite3',
        'content-length': String(info.size),
        'content-disposition': 'attachment; filename="baton-backup.db"',
        'cache-control': 'no-store',
      },
    });
  });
}

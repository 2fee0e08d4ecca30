// The write gate: the one checklist every mutation passes, whatever carried it (REST, Socket.IO,
// MCP over HTTP or stdio, the CLI on a database file, board edits, handoff and meeting steps):
//
//   caller → authorize → rate limit → validate (size, nesting depth) → service → audit
//
// Transports only translate their wire format into a GateOp and the result (or BatonError) back.
// Denials are audited too, count against the caller's limit, and repeats are folded into one row.

import { principalKey, principalLabel, type Permission, type Principal } from '../lib/access.ts';
import { BatonError } from '../lib/errors.ts';
import { DEFAULT_MAX_JSON_DEPTH, jsonTextTooDeep, tooDeepPath } from '../lib/json-depth.ts';
import type { AuditLog } from './auth/audit.ts';
import { authorize } from './auth/authorize.ts';
import { runAsWriter } from './feed/writer-scope.ts';
import type { RateLimiter } from './http/rate-limit.ts';

/** What carried a call: kept in the audit row's detail (`via`), never part of who the caller is. */
export type Transport = 'rest' | 'socket' | 'mcp' | 'cli' | 'local';

/** Who is calling, as every transport hands it to the gate. */
export interface Caller {
  principal: Principal;
  ip: string | null;
  via: Transport;
  /** Resolved from credentials just now (a REST request, a cached MCP re-read): no need to re-read it. */
  fresh?: boolean;
}

/**
 * Who a write is recorded as. `label` is for display (entries' `updatedBy`, the feed's `actor`);
 * `principalId` and `accountId` decide things (a handoff's sender, an ownership step's recipient).
 */
export interface Writer {
  label: string;
  /** `user:<id>`, `token:<id>`, `local:<name>`; null only for internal writes (the sweeper, tests). */
  principalId: string | null;
  /** The account acting: the user, or the owner of the token; null for share links and local files. */
  accountId: string | null;
}

export function writerOf(p: Principal): Writer {
  return {
    label: principalLabel(p),
    principalId: principalKey(p),
    accountId: p.kind === 'user' ? p.id : p.kind === 'token' ? p.ownerId : null,
  };
}

/** A plain label (internal writes, tests, the seed loader): recorded as is, deciding nothing. */
export const systemWriter = (label: string): Writer => ({ label, principalId: null, accountId: null });

/** A caller the gate let through: never anonymous. */
export type KnownPrincipal = Exclude<Principal, { kind: 'anonymous' }>;

export interface GateContext {
  principal: KnownPrincipal;
  writer: Writer;
  /**
   * Writes an audit row now, e.g. inside the service's own transaction (memory writes do, so a write
   * and its audit row commit together), or several (a step that is two changes), or a failure the
   * service decides (a wrong current password). Without a call the gate writes one after `run`.
   */
  audit(entry?: AuditEntry): void;
}

/** One audit row as an operation describes it; unset fields are the operation's own. */
export interface AuditEntry {
  detail?: Record<string, unknown>;
  target?: string;
  action?: string;
  outcome?: 'ok' | 'failed';
}

export interface GateOp<T> {
  /** Audit action, e.g. `memory.store`, `session.item.add`, `handoff.accept`. */
  action: string;
  /** Audit target, e.g. `<namespace>/<key>`, a session id, a handoff id. */
  target: string;
  /** The permission needed, or a check that throws (a session's namespace, a handoff step's rule). */
  authorize: Permission | ((principal: Principal) => void);
  /** The parsed input, checked for nesting depth before the service sees it. */
  input?: unknown;
  run(ctx: GateContext): T | Promise<T>;
  /** The success row's detail, from the result. */
  detail?(result: T): Record<string, unknown> | undefined;
  /** False when a refusal says nothing worth keeping (probing an id that does not exist). Default true. */
  auditDenial?: boolean | (() => boolean);
}

export interface WriteGateOptions {
  audit: AuditLog;
  limiter: RateLimiter;
  /** Re-reads a principal resolved earlier (a socket's or MCP session's): revocations apply at once. */
  refresh?: (p: Principal) => Principal;
  maxDepth?: number;
  now?: () => number;
  /** Identical denials (caller, action, target) within this window fold into one audit row. */
  denialWindowMs?: number;
  /** Told of every write once it settles: how long it took and `ok` or the error's code (metrics). */
  onWrite?: (action: string, ms: number, outcome: string) => void;
}

const isRefusal = (err: unknown): err is BatonError => err instanceof BatonError && (err.code === 'forbidden' || err.code === 'unauthorized');

/** The key a caller's writes are limited under: its id, or the address of an anonymous caller. */
const limitKey = (c: Caller, p: Principal) => principalKey(p) ?? `ip:${c.ip ?? 'unknown'}`;

export class WriteGate {
  readonly maxDepth: number;
  private readonly now: () => number;
  private readonly denialWindowMs: number;
  /** The open fold of each repeated denial: its audit row and how many it stands for. */
  private readonly denials = new Map<string, { rowId: number; count: number; until: number }>();

  constructor(private readonly options: WriteGateOptions) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.now = options.now ?? Date.now;
    this.denialWindowMs = options.denialWindowMs ?? 60_000;
  }

  /** Step 1: the caller as of now. A principal whose access ended is refused (and its connection should close). */
  caller(c: Caller): KnownPrincipal {
    const p = this.options.refresh && !c.fresh ? this.options.refresh(c.principal) : c.principal;
    if (p.kind === 'anonymous') {
      throw new BatonError(
        'unauthorized',
        c.principal.kind === 'anonymous' ? 'Sign in or send an API token (Authorization: Bearer …)' : 'Your access was revoked or expired',
      );
    }
    return p;
  }

  /**
   * Runs one mutation through the checklist. Everything up to the service call is synchronous, so
   * calls from one caller reach their services in the order they were made.
   */
  write<T>(c: Caller, op: GateOp<T>): Promise<T> {
    const observe = this.options.onWrite;
    if (!observe) return this.pass(c, op);
    const started = performance.now();
    const settled = (outcome: string) => observe(op.action, performance.now() - started, outcome);
    // pass() runs synchronously up to the service call, so the order of calls is kept.
    return this.pass(c, op).then(
      (result) => (settled('ok'), result),
      (err: unknown) => {
        settled(err instanceof BatonError ? err.code : 'error');
        throw err;
      },
    );
  }

  private async pass<T>(c: Caller, op: GateOp<T>): Promise<T> {
    const principal = this.caller(c);
    try {
      if (typeof op.authorize === 'function') op.authorize(principal);
      else authorize(principal, op.authorize);
    } catch (err) {
      if (isRefusal(err)) this.refused(c, principal, op);
      throw err;
    }
    this.options.limiter.write(limitKey(c, principal));
    this.validate(op.input);
    let audited = false;
    const ctx: GateContext = {
      principal,
      writer: writerOf(principal),
      audit: (entry = {}) => {
        audited = true;
        this.options.audit.record({
          principal,
          action: entry.action ?? op.action,
          target: entry.target ?? op.target,
          outcome: entry.outcome ?? 'ok',
          ip: c.ip,
          detail: { ...entry.detail, via: c.via },
        });
      },
    };
    let result: T;
    try {
      result = await runAsWriter(ctx.writer, () => op.run(ctx));
    } catch (err) {
      // A step's own rule (only the recipient may accept…) is a refusal like any other.
      if (isRefusal(err)) this.refused(c, principal, op);
      throw err;
    }
    if (!audited) ctx.audit({ detail: op.detail?.(result) });
    return result;
  }

  /** Step 4 on its own, for transports that parse before they know the operation (the depth of a body). */
  validate(input: unknown, field = 'body'): void {
    if (input === undefined) return;
    const path = tooDeepPath(input, this.maxDepth);
    if (path !== null) throw this.tooDeep(path.split('.')[0] || field);
    // A JSON string value nested too deep is refused too: every reader would have to parse it.
    const value = typeof input === 'object' && input !== null && 'value' in input ? input.value : undefined;
    if (typeof value === 'string' && jsonTextTooDeep(value, this.maxDepth)) throw this.tooDeep('value');
  }

  tooDeep(field: string): BatonError {
    return new BatonError('invalid_input', `${field}: nested deeper than ${this.maxDepth} levels`, { field });
  }

  /**
   * A refusal: it counts against the caller's write limit (past it the caller gets 429 and no more
   * rows), and is audited once per window, the repeats counted on that one row.
   */
  private refused(c: Caller, principal: KnownPrincipal, op: GateOp<unknown>): void {
    this.options.limiter.write(limitKey(c, principal));
    const auditIt = typeof op.auditDenial === 'function' ? op.auditDenial() : (op.auditDenial ?? true);
    if (!auditIt) return;
    const target = op.target.slice(0, 700);
    const key = `${limitKey(c, principal)}\u0000${op.action}\u0000${target}`;
    const now = this.now();
    const open = this.denials.get(key);
    if (open && open.until > now) {
      open.count++;
      this.options.audit.setDetail(open.rowId, { via: c.via, repeated: open.count });
      return;
    }
    if (this.denials.size > 10_000) this.denials.clear();
    const rowId = this.options.audit.record({ principal, action: op.action, target, outcome: 'denied', ip: c.ip, detail: { via: c.via } });
    this.denials.set(key, { rowId, count: 1, until: now + this.denialWindowMs });
  }
}

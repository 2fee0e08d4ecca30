import { STDIO_DEFAULT_MAX_BUFFER_SIZE, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import process from 'node:process';
import { DEFAULT_MAX_JSON_DEPTH } from '../../lib/json-depth.ts';
import { tooDeepMessage } from './depth.ts';
import type { Readable, Writable } from 'node:stream';

/** The one call the fast path answers itself: `tools/call` of `name` with its raw `arguments`. */
export type FastToolCall = (args: unknown) => Promise<Record<string, unknown>>;

const FAST_REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const FAST_PARAMS_KEYS = new Set(['name', 'arguments']);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The request id when `raw` is exactly `{ jsonrpc: "2.0", id, method: "tools/call", params: { name:
 * toolName, arguments } }` (no `_meta`, no task, an integer or string id): a message the SDK accepts
 * as it is and answers by running the tool's handler. Anything else: null (the SDK's business).
 */
export function plainToolCallId(raw: unknown, toolName: string): RequestId | null {
  if (!isPlainObject(raw) || raw.jsonrpc !== '2.0' || raw.method !== 'tools/call') return null;
  const id = raw.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)))) return null;
  for (const key in raw) if (!FAST_REQUEST_KEYS.has(key)) return null;
  const params = raw.params;
  if (!isPlainObject(params) || params.name !== toolName) return null;
  for (const key in params) if (!FAST_PARAMS_KEYS.has(key)) return null;
  return id;
}

/**
 * MCP over stdio, as the SDK's StdioServerTransport (newline-delimited JSON-RPC, the same buffer
 * limit, `\r` stripped, a bad line reported to onerror and skipped, the same serialization), with
 * one fast path: a plain `tools/call` of `toolName` (exactly jsonrpc, id, method and params, params
 * exactly name and arguments: no `_meta`, no task) is answered here by `call`, the same function the
 * SDK's handler runs, without the SDK's per-message zod parses (the message union, then three
 * type guards, then the request schema: two of them failing and building errors, per call). Every
 * other line (initialize, lists, resources, notifications, other tools, anything unusual or
 * malformed) goes to the SDK's Protocol exactly as its own transport would hand it over.
 *
 * Same answer, same order: the SDK starts a handler two microtask ticks after the message arrives
 * and answers `{ result, jsonrpc, id }` (or a JSON-RPC error built from a thrown error), and drops
 * the answer when `notifications/cancelled` named the request first; the fast path does the same.
 */
export class FastPathStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private buffer: Buffer | undefined;
  private readonly cancelled = new Set<RequestId>();
  private readonly inFlight = new Set<RequestId>();
  /** How many calls took the fast path (for tests and probes). */
  fastCalls = 0;

  constructor(
    private readonly toolName: string,
    private readonly call: FastToolCall,
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    private readonly maxBufferSize = STDIO_DEFAULT_MAX_BUFFER_SIZE,
    private readonly maxDepth = Number(process.env.MAX_JSON_DEPTH) || DEFAULT_MAX_JSON_DEPTH,
  ) {}

  private readonly ondata = (chunk: Buffer) => {
    const size = (this.buffer?.length ?? 0) + chunk.length;
    if (size > this.maxBufferSize) {
      this.buffer = undefined;
      this.onerror?.(new Error(`ReadBuffer exceeded maximum size of ${this.maxBufferSize} bytes`));
      void this.close();
      return;
    }
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const index = this.buffer?.indexOf('\n') ?? -1;
      if (index === -1) return;
      const line = this.buffer.toString('utf8', 0, index).replace(/\r$/, '');
      this.buffer = this.buffer.subarray(index + 1);
      try {
        this.dispatch(JSON.parse(line));
      } catch (error) {
        this.onerror?.(error as Error);
      }
    }
  };

  private readonly onstreamerror = (error: Error) => this.onerror?.(error);

  private dispatch(raw: unknown): void {
    const deep = tooDeepMessage(raw, this.maxDepth);
    if (deep) {
      if (deep.id !== null) void this.send({ jsonrpc: '2.0', id: deep.id, error: deep.error });
      else this.onerror?.(new Error(deep.error.message));
      return;
    }
    const id = this.fastId(raw);
    if (id === null) {
      const message = JSONRPCMessageSchema.parse(raw);
      if ('method' in message && message.method === 'notifications/cancelled' && !('id' in message)) {
        const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
        if (requestId !== undefined && this.inFlight.has(requestId)) this.cancelled.add(requestId);
      }
      this.onmessage?.(message);
      return;
    }
    this.fastCalls++;
    this.inFlight.add(id);
    const args = ((raw as Record<string, unknown>).params as Record<string, unknown>).arguments;
    Promise.resolve()
      .then(() => undefined)
      .then(() => this.call(args))
      .then(
        (result) => (this.cancelled.has(id) ? undefined : this.send({ result, jsonrpc: '2.0', id })),
        (error: Record<string, unknown>) => {
          if (this.cancelled.has(id)) return;
          const code = error['code'];
          return this.send({
            jsonrpc: '2.0',
            id,
            error: {
              code: Number.isSafeInteger(code) ? (code as number) : ErrorCode.InternalError,
              message: (error.message as string | undefined) ?? 'Internal error',
              ...(error['data'] !== undefined && { data: error['data'] }),
            },
          });
        },
      )
      .catch((error) => this.onerror?.(new Error(`Failed to send response: ${error}`)))
      .finally(() => {
        this.inFlight.delete(id);
        this.cancelled.delete(id);
      });
  }

  /** The request id when `raw` is a plain call of the fast tool (one the SDK would accept as is), else null. */
  private fastId(raw: unknown): RequestId | null {
    const id = plainToolCallId(raw, this.toolName);
    // A request id already in flight is the SDK's business (it would replace the first one's handler).
    return id === null || this.inFlight.has(id) ? null : id;
  }

  private started = false;

  async start(): Promise<void> {
    if (this.started) throw new Error('StdioServerTransport already started! If using Server class, note that connect() calls start() automatically.');
    this.started = true;
    this.stdin.on('data', this.ondata);
    this.stdin.on('error', this.onstreamerror);
  }

  async close(): Promise<void> {
    this.stdin.off('data', this.ondata);
    this.stdin.off('error', this.onstreamerror);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.buffer = undefined;
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(serializeMessage(message))) resolve();
      else this.stdout.once('drain', resolve);
    });
  }
}

// The text-search worker (server/memory/search-offload.ts), a child process: its own read connection on the
// same store and a MemoryService on it, answering one search at a time over IPC, so a slow search never holds
// the server's event loop (where stores, acks and fan-out run).
import { openStore, type StoreLocation } from '../../db/store.ts';
import { BatonError } from '../../lib/errors.ts';
import { MemoryService } from './service.ts';

interface Request {
  id: number;
  input: Record<string, unknown>;
  readable: string[];
}

const { location, maxValueBytes } = JSON.parse(process.argv[2] ?? '{}') as { location: StoreLocation; maxValueBytes?: number };
const send = (msg: unknown) => {
  // The server may have gone between the request and the answer: then there is no one to answer.
  if (process.connected) process.send!(msg, (err: Error | null) => err && process.exit(0));
};
// The server went away (the IPC channel closed): nothing left to answer.
process.on('disconnect', () => process.exit(0));
const handle = await openStore(location, { migrate: false }, { cluster: false });
const memory = new MemoryService(handle, { maxValueBytes });

process.on('message', (req: Request) => {
  try {
    send({ id: req.id, result: memory.search(req.input, req.readable) });
  } catch (err) {
    const error =
      err instanceof BatonError ? { ...err.toJSON(), baton: true } : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
    send({ id: req.id, error });
  }
});
send({ ready: true });

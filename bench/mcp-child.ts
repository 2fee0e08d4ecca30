/**
 * Runs (f) in a process of its own, as an agent's MCP client is: the bench's main process has by
 * then held a thousand sockets and autocannon's buffers, and the SDK client in that heap spent ~60%
 * more CPU per call than the same client in a fresh process (160 vs ~100 µs over stdio).
 * Started by bench/run.ts with fork(); takes its arguments in BENCH_MCP_ARGS and sends the figures back.
 */
import { benchMcp } from './mcp.ts';

const { url, token, tmp, ops, serverPid } = JSON.parse(process.env.BENCH_MCP_ARGS ?? '{}') as {
  url: string;
  token: string;
  tmp: string;
  ops: number;
  serverPid: number;
};
try {
  const figures = await benchMcp(url, token, tmp, ops, { serverPid });
  process.send?.({ figures }, () => process.exit(0));
} catch (err) {
  process.send?.({ error: String((err as Error)?.stack ?? err) }, () => process.exit(1));
}

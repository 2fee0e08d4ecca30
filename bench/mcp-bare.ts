import { Agent, request } from 'node:http';

/**
 * A bare MCP Streamable HTTP session: keep-alive node:http, JSON-RPC written by hand, initialized and
 * ready for tools/call. Not what agents run; the benches use it where the SDK client's own CPU would be
 * what is measured. `token` may be empty (a floor server that asks for none).
 */
export async function openBareMcp(url: string, token: string, clientName: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(`${url}/mcp`);
  let sessionId: string | undefined;
  let id = 0;
  const post = (body: unknown) =>
    new Promise<{ status: number; text: string }>((done, fail) => {
      const payload = JSON.stringify(body);
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            accept: 'application/json, text/event-stream',
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            'mcp-protocol-version': '2025-06-18',
            ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
          },
        },
        (res) => {
          sessionId ??= res.headers['mcp-session-id'] as string | undefined;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', fail);
      req.end(payload);
    });
  await post({
    jsonrpc: '2.0',
    id: id++,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: clientName, version: '1' } },
  });
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    /** One tools/call; the raw HTTP status and body. */
    callTool: (params: { name: string; arguments: Record<string, unknown> }) => post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params }),
    close: () => agent.destroy(),
  };
}

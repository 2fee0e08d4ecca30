// Helpers for the identity and access tests: cookie sign-in, invited accounts, raw sockets.
import { io as connect } from 'socket.io-client';
import type { Role } from '../lib/access.ts';
import { PROTOCOL_VERSION, type Ack, type ClientEventName } from '../lib/events.ts';
import type { BatonSocket } from '../lib/feed-client.ts';
import { api, type TestServer } from './helpers.ts';

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie request header. */
export function cookieFrom(headers: Headers): string {
  const pairs = headers.getSetCookie().map((c) => c.split(';')[0]!.trim());
  if (pairs.length === 0) throw new Error('no Set-Cookie in the response');
  return pairs.join('; ');
}

/** Headers for a same-origin, cookie-authenticated request (what our own pages send). */
export const cookieHeaders = (url: string, cookie: string) => ({ cookie, origin: url });

/** Signs in with email and password; returns the session cookie. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await api(url, '/api/auth/sign-in/email', { method: 'POST', token: null, json: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return cookieFrom(res.headers);
}

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  role: Role;
  /** The session cookie from accepting the invitation. */
  cookie: string;
}

/** An account made the real way: an admin invites with a role, the invitee accepts (and is signed in). */
export async function invitedUser(s: TestServer, role: Role, name: string): Promise<TestUser> {
  const invite = await api(s.url, '/api/v1/invites', { method: 'POST', json: { role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}@example.test`;
  const password = `${name} password 123`;
  const accepted = await api(s.url, `/api/v1/invites/${invite.body.token}/accept`, { method: 'POST', token: null, json: { name, email, password } });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const id = s.app.identity.listUsers().find((u) => u.email === email)!.id;
  return { id, name, email, password, role, cookie: cookieFrom(accepted.headers) };
}

/** A socket.io client with exactly the credentials given (no default admin token). */
export function rawSocket(url: string, credentials: { token?: string; share?: string; cookie?: string; origin?: string } = {}): BatonSocket {
  const { token, share, cookie, origin } = credentials;
  const extraHeaders: Record<string, string> = {};
  if (cookie) extraHeaders.cookie = cookie;
  if (origin ?? cookie) extraHeaders.origin = origin ?? url;
  return connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { protocol: PROTOCOL_VERSION, ...(token ? { token } : {}), ...(share ? { share } : {}) },
    extraHeaders,
  });
}

/** Resolves once the handshake is decided: connected, or refused with the server's error. */
export function handshake(socket: BatonSocket): Promise<{ connected: true } | { connected: false; code: string | undefined; field?: string }> {
  return new Promise((resolve) => {
    if (socket.connected) return resolve({ connected: true });
    socket.once('connect', () => resolve({ connected: true }));
    socket.once('connect_error', (err: Error & { data?: { code?: string; field?: string } }) =>
      resolve({ connected: false, code: err.data?.code, field: err.data?.field }),
    );
  });
}

/** Emits a client event and waits for its ack. */
export function emitAck(socket: BatonSocket, event: ClientEventName, payload: unknown, timeoutMs = 5000): Promise<Ack<unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), timeoutMs);
    (socket.emit as (e: string, p: unknown, ack: (r: Ack<unknown>) => void) => void)(event, payload, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageAccess, pageHeaders } from '../server/http/pages.ts';
import { signIn } from './auth-helpers.ts';
import { startTestServer, TEST_ADMIN, type TestServer } from './helpers.ts';

// Page requests are authorized by pageAccess before Next serves them. Test servers run without
// Next (web: false), so pageAccess is called directly, with the real Identity of a test app.

let s: TestServer;
let cookie: string;
beforeAll(async () => {
  s = await startTestServer();
  cookie = await signIn(s.url, TEST_ADMIN.email, TEST_ADMIN.password);
});
afterAll(() => s.close());

const access = (url: string, withCookie = false) => pageAccess(url, withCookie ? { cookie } : {}, s.app.identity);

describe('pageAccess: the sign-in check', () => {
  it('sends a signed-out visitor to sign-in, and lets a signed-in one through', async () => {
    expect(await access('/admin/audit')).toBe(`/sign-in?next=${encodeURIComponent('/admin/audit')}`);
    expect(await access('/admin/audit', true)).toBeNull();
    expect(await access('/sign-in')).toBeNull();
    expect(await access('/sign-in?next=%2Fmemory')).toBeNull();
    expect(await access('/invite/abc')).toBeNull();
    expect(await access('/present/s-1?share=bsh_x')).toBeNull();
    // A share link opens the session's own board (read-only) too; only the board itself, not a page under it.
    expect(await access('/sessions/s-1?share=bsh_x')).toBeNull();
    expect(await access('/sessions/s-1?tab=x&share=bsh_x')).toBeNull();
    expect(await access('/sessions/s-1')).toBe(`/sign-in?next=${encodeURIComponent('/sessions/s-1')}`);
    expect(await access('/sessions/s-1/other?share=bsh_x')).toBe(`/sign-in?next=${encodeURIComponent('/sessions/s-1/other?share=bsh_x')}`);
    expect(await access('/_next/static/chunks/main.js')).toBeNull();
    expect(await access('/setup')).toBe('/sign-in');
  });

  // Issue 14, finding 8: `curl --path-as-is /sign-in/../admin/audit` served the page without a cookie.
  it.each([
    ['/sign-in/../admin/audit', '/admin/audit'],
    ['/invite/../memory', '/memory'],
    ['/_next/../memory', '/memory'],
    ['/_next/static/../../memory', '/memory'],
    ['/sign-in/%2e%2e/admin/audit', '/admin/audit'],
    ['/sign-in/%2E%2E/memory', '/memory'],
    ['/sign-in/.%2e/memory', '/memory'],
    ['/sign-in/./../memory', '/memory'],
    ['/sign-in\\..\\memory', '/memory'],
    ['/invite/x/..', '/invite/'],
    ['/present/s-1/../../memory?share=bsh_x', '/memory?share=bsh_x'],
    ['/setup/../memory', '/memory'],
    ['/_next/..%2fmemory', '/memory'],
    ['/_next/static%2F..%2F..%2Fmemory', '/memory'],
    ['/sign-in/..%5cmemory', '/memory'],
    ['/a/..//evil.example/x', '/evil.example/x'], // never a protocol-relative Location
    ['//evil.example/../memory', '/memory'],
  ])('%s is never served as a public page: it goes to %s first', async (url, normalized) => {
    const to = await access(url);
    expect(to).not.toBeNull();
    expect(to).toBe(normalized);
    // and that path then gets the ordinary check
    if (!normalized.startsWith('/invite/')) expect(await access(to!)).toMatch(/^\/sign-in\?next=/);
  });

  it('a signed-in visitor is sent to the resolved path too (no page is served for a dot-segment URL)', async () => {
    expect(await access('/sign-in/../memory', true)).toBe('/memory');
  });

  it('dots that are not whole segments are left alone', async () => {
    expect(await access('/memory/a..b', true)).toBeNull();
    expect(await access('/memory/.well', true)).toBeNull();
    expect(await access('/sign-in?next=/a/../b')).toBeNull();
  });
});

describe('pageHeaders: CSP', () => {
  // Issue 14, finding 9c: `connect-src 'self' ws: wss:` let a page open a WebSocket to any host.
  const directive = (csp: string, name: string) =>
    csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith(`${name} `));
  it('connects only to its own origin in production', () => {
    expect(directive(pageHeaders(false)['content-security-policy']!, 'connect-src')).toBe("connect-src 'self'");
  });
  it('never allows WebSockets to any host, in development either', () => {
    for (const dev of [false, true]) {
      const connect = directive(pageHeaders(dev)['content-security-policy']!, 'connect-src')!;
      expect(connect.split(/\s+/)).not.toContain('ws:');
      expect(connect.split(/\s+/)).not.toContain('wss:');
    }
  });
});

import type { IncomingHttpHeaders } from 'node:http';
import type { Identity } from '../auth/identity.ts';

/** Pages anyone may open: how one signs in, sets up Baton, accepts an invitation, or views a shared board. */
const PUBLIC_PAGES = [/^\/sign-in(\/|$|\?)/, /^\/setup(\/|$|\?)/, /^\/invite\//, /^\/present\/[^?]+\?(.*&)?share=/, /^\/sessions\/[^/?]+\?(.*&)?share=/];
const ASSETS = /^\/(_next\/|favicon\.ico|icon\.svg|robots\.txt|__nextjs)/;

/** A slash, a backslash, or either percent-encoded. */
const SEP = String.raw`(?:[/\\]|%2f|%5c)`;
/** A `.` or `..` segment, percent-encoded dots included (`%2e`, `.%2E`), between separators. */
const DOT_SEGMENT = new RegExp(String.raw`(^|${SEP})(\.|%2e){1,2}(?=${SEP}|$)`, 'i');

/**
 * The request path with dot segments resolved and backslashes read as slashes, as a browser (and
 * Next) would, plus the query as sent; or null when the path has neither. `/sign-in/../admin`
 * must not be decided as `/sign-in`.
 */
export function resolvedPath(url: string): string | null {
  const end = url.search(/[?#]/);
  const path = end < 0 ? url : url.slice(0, end);
  if (!path.includes('\\') && !DOT_SEGMENT.test(path)) return null;
  // Encoded separators next to a dot segment (`/_next/..%2fmemory`) count as separators too.
  const resolved = new URL(path.replace(/%2f|%5c/gi, '/'), 'http://baton.invalid').pathname;
  // `/a/..//host` resolves to `//host`, which a browser reads as another host: one leading slash.
  return resolved.replace(/^\/+/, '/') + (end < 0 ? '' : url.slice(end));
}

/** Where to send a page request first (setup, sign-in), or null to serve it. */
export async function pageAccess(url: string, headers: IncomingHttpHeaders, identity: Identity): Promise<string | null> {
  // Never decide (or serve) a path with dot segments: send the browser to the resolved path, which
  // is then checked like any other. Before, `/sign-in/../admin/audit` passed as a public page.
  const resolved = resolvedPath(url);
  if (resolved !== null) return resolved;
  if (ASSETS.test(url)) return null;
  if (!identity.hasUsers()) return url.startsWith('/setup') ? null : '/setup';
  if (url.startsWith('/setup')) return '/sign-in';
  if (PUBLIC_PAGES.some((re) => re.test(url))) return null;
  const h = new Headers();
  if (typeof headers.cookie === 'string') h.set('cookie', headers.cookie);
  const principal = await identity.principalFrom(h);
  if (principal.kind === 'user') return null;
  return `/sign-in?next=${encodeURIComponent(url)}`;
}

/**
 * Security headers for pages. Next's App Router inlines its bootstrap scripts, so scripts need
 * 'unsafe-inline' (a nonce would force every page to render dynamically); everything else is tight.
 */
export function pageHeaders(dev: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // 'self' covers WebSockets to this origin (Socket.IO, and Next's HMR in development); no other host.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Identity } from '../auth/identity.ts';

/** Pages anyone may open: how one signs in, sets up Baton, accepts an invitation, or views a shared board. */
const PUBLIC_PAGES = [/^\/sign-in(\/|$|\?)/, /^\/setup(\/|$|\?)/, /^\/invite\//, /^\/present\/[^?]+\?(.*&)?share=/];
const ASSETS = /^\/(_next\/|favicon\.ico|icon\.svg|robots\.txt|__nextjs)/;

/** Where to send a page request first (setup, sign-in), or null to serve it. */
export async function pageAccess(url: string, headers: IncomingHttpHeaders, identity: Identity): Promise<string | null> {
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
    "connect-src 'self' ws: wss:",
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

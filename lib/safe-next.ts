// Where the sign-in page sends the browser afterwards. Pure, so it is unit-tested (test/safe-next.test.ts).

/** Control characters (browsers drop tabs and newlines from URLs) and backslashes (read as `/`). */
const SUSPICIOUS = /[\u0000-\u001f\u007f\\]/;

/**
 * A same-origin path (pathname, query, hash) from `?next=`, or `/`. Decided on the URL as a browser
 * parses it, not on the text: `/\t/evil.example` and `/.//evil.example` both end up elsewhere.
 */
export function safeNext(search: string, origin: string): string {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || SUSPICIOUS.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  const path = url.pathname + url.search + url.hash;
  // After dot segments are resolved, `/.//host` is `//host`: a protocol-relative URL to another origin.
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

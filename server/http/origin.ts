import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a browser's Origin (or Referer) names this server: the same host and the same scheme.
 * The scheme is the request's own, or the one a reverse proxy reports in X-Forwarded-Proto (a
 * cross-site page cannot set that header on a browser's request).
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined, requestScheme: 'http' | 'https', forwardedProto?: string): boolean {
  if (!origin || !host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const scheme = forwardedProto?.split(',')[0]?.trim().toLowerCase() || requestScheme;
  return url.host === host && url.protocol === `${scheme}:`;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The same check on Node's request headers (socket handshakes), whose connection is plain HTTP here. */
export function isSameOriginRequest(headers: IncomingHttpHeaders, encrypted = false): boolean {
  return isSameOrigin(one(headers.origin), one(headers.host), encrypted ? 'https' : 'http', one(headers['x-forwarded-proto']));
}

import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only code (db, services) lives in server/ and runs in the custom server, never in Next's bundle.
  serverExternalPackages: ['better-sqlite3'],
  // The build checks the code it bundles; `npm run typecheck` (part of `npm test`) checks everything,
  // so an unfinished test or benchmark never blocks a build.
  typescript: { tsconfigPath: 'tsconfig.next.json' },
  // NEXT_DIST_DIR lets two builds (say, a test run and a dev server) live side by side.
  distDir: process.env.NEXT_DIST_DIR || '.next',
};

export default nextConfig;

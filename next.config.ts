import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only code (db, services) lives in server/ and runs in the custom server, never in Next's bundle.
  serverExternalPackages: ['better-sqlite3'],
};

export default nextConfig;

import { defineConfig } from 'drizzle-kit';

// PostgreSQL (issue 19): `npx drizzle-kit generate --config drizzle.pg.config.ts`. SQLite's is drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/pg/schema.ts',
  out: './db/migrations-pg',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/baton' },
});

-- Dates and flags in SQLite's shapes (ms since the epoch as bigint, flags as 0/1 integers), so the services,
-- better-auth and drizzle's SQLite dialect run on PostgreSQL through db/pg/compat.ts with the same SQL.
ALTER TABLE "auth_account" ALTER COLUMN "access_token_expires_at" SET DATA TYPE bigint USING (floor(extract(epoch from "access_token_expires_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_account" ALTER COLUMN "refresh_token_expires_at" SET DATA TYPE bigint USING (floor(extract(epoch from "refresh_token_expires_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_account" ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_account" ALTER COLUMN "updated_at" SET DATA TYPE bigint USING (floor(extract(epoch from "updated_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_session" ALTER COLUMN "expires_at" SET DATA TYPE bigint USING (floor(extract(epoch from "expires_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_session" ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_session" ALTER COLUMN "updated_at" SET DATA TYPE bigint USING (floor(extract(epoch from "updated_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "email_verified" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "email_verified" SET DATA TYPE integer USING (CASE WHEN "email_verified" THEN 1 ELSE 0 END);
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "email_verified" SET DEFAULT 0;
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "disabled" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "disabled" SET DATA TYPE integer USING (CASE WHEN "disabled" THEN 1 ELSE 0 END);
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "disabled" SET DEFAULT 0;
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_user" ALTER COLUMN "updated_at" SET DATA TYPE bigint USING (floor(extract(epoch from "updated_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_verification" ALTER COLUMN "expires_at" SET DATA TYPE bigint USING (floor(extract(epoch from "expires_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_verification" ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "auth_verification" ALTER COLUMN "updated_at" SET DATA TYPE bigint USING (floor(extract(epoch from "updated_at") * 1000))::bigint;
--> statement-breakpoint
ALTER TABLE "handoff_checklist" ALTER COLUMN "done" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "handoff_checklist" ALTER COLUMN "done" SET DATA TYPE integer USING (CASE WHEN "done" THEN 1 ELSE 0 END);
--> statement-breakpoint
ALTER TABLE "handoff_checklist" ALTER COLUMN "done" SET DEFAULT 0;
--> statement-breakpoint
ALTER TABLE "session_goals" ALTER COLUMN "done" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "session_goals" ALTER COLUMN "done" SET DATA TYPE integer USING (CASE WHEN "done" THEN 1 ELSE 0 END);
--> statement-breakpoint
ALTER TABLE "session_goals" ALTER COLUMN "done" SET DEFAULT 0;
--> statement-breakpoint
ALTER TABLE "webhooks" ALTER COLUMN "enabled" DROP DEFAULT;
--> statement-breakpoint
ALTER TABLE "webhooks" ALTER COLUMN "enabled" SET DATA TYPE integer USING (CASE WHEN "enabled" THEN 1 ELSE 0 END);
--> statement-breakpoint
ALTER TABLE "webhooks" ALTER COLUMN "enabled" SET DEFAULT 1;
--> statement-breakpoint
-- SQLite's GLOB (case-sensitive; * any run, ? one character, [...] a class) as the operator x #~# pattern:
-- db/pg/compat.ts writes GLOB as #~#. IMMUTABLE and strict, so it folds on constants.
CREATE FUNCTION baton_glob(subject text, pattern text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT subject ~ ('^' || regexp_replace(regexp_replace(regexp_replace(pattern, '([.+^$(){}|\\])', '\\\1', 'g'), '\*', '.*', 'g'), '\?', '.', 'g') || '$') $$;
--> statement-breakpoint
CREATE OPERATOR #~# (LEFTARG = text, RIGHTARG = text, FUNCTION = baton_glob);
--> statement-breakpoint
-- SQLite's json_extract(doc, '$.a.b') for the JSON text columns: the value at that path as text (NULL when
-- absent or when the document is not JSON).
CREATE FUNCTION json_extract(doc text, path text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ BEGIN RETURN doc::jsonb #>> string_to_array(substr(path, 3), '.'); EXCEPTION WHEN others THEN RETURN NULL; END $$;
--> statement-breakpoint
-- Keys and namespaces order by code point, as SQLite's BINARY does, whatever the database's collation: key-range
-- globs (`session/*` reads keys from 'session/' below 'session0') and keyset pages depend on it.
ALTER TABLE "memory_entries" ALTER COLUMN "namespace" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "memory_entries" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "memory_history" ALTER COLUMN "namespace" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "memory_history" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "changes" ALTER COLUMN "namespace" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "changes" ALTER COLUMN "key" SET DATA TYPE text COLLATE "C";
--> statement-breakpoint
-- @socket.io/postgres-adapter keeps messages over 8,000 bytes here (NOTIFY's limit) and deletes them after 30 s.
CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);

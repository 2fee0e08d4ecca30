-- Memory search's words (the counterpart of SQLite's FTS5 unicode61 index, migration 0008 there): lower-cased,
-- unaccented, no stemming and no stop words. unaccent ships with PostgreSQL (contrib) and is a trusted extension
-- (PostgreSQL 13+: the database's owner may create it). unaccent(text) is only STABLE, because it reads its
-- dictionary by name; naming the dictionary makes the call immutable in practice, which an index expression needs
-- (the usual wrapper). Every name in it is schema-qualified, so it works under pg_restore's empty search_path. memory_entries_search (migration 0001) indexes baton_search_text(key, value).
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE FUNCTION baton_search_text(k text, v text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsvector('simple'::regconfig, public.unaccent('public.unaccent'::regdictionary, k || ' ' || left(v, 131072))) $$;

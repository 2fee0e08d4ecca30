-- Words as SQLite's unicode61 tokenizer sees them: any run of letters and digits, everything else a separator.
-- PostgreSQL's default parser keeps `runbook/deploy` as one file-path token and `dev-1` as a compound, so a search
-- for `deploy` missed the key `runbook/deploy`; baton_words() turns every non-alphanumeric run into a space first.
-- memory_entries_search indexes baton_search_text(key, value), so it is rebuilt with the new definition.
CREATE FUNCTION baton_words(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT pg_catalog.regexp_replace(public.unaccent('public.unaccent'::regdictionary, t), '[^[:alnum:]]+', ' ', 'g') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION baton_search_text(k text, v text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsvector('simple'::regconfig, public.baton_words(k || ' ' || left(v, 131072))) $$;
--> statement-breakpoint
REINDEX INDEX memory_entries_search;

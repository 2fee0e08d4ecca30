-- pg_trgm: the trigram GIN index memory search uses (memory_entries_search, migration 0001). A trusted extension
-- since PostgreSQL 13: the database's owner may create it; it ships with Debian's postgresql package (contrib).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Ranked full-text search over memory (issue 20). Hand-edited after drizzle-kit generate: virtual tables and triggers
-- are not in drizzle's schema language. memory_entries gets `id`, a rowid alias (so VACUUM cannot renumber it; the old
-- rowids are kept), and (namespace, key) becomes a unique index: the same B-tree the composite primary key was.
-- memory_fts is an FTS5 index of words (unicode61: letters and digits, case and diacritics folded) over key and value, with external
-- content (the text is read back from memory_entries by id, not stored twice), kept in step by the triggers below in
-- whatever transaction writes memory_entries. Never INSERT OR REPLACE into memory_entries: REPLACE deletes without firing
-- delete triggers; use ON CONFLICT ... DO UPDATE.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_memory_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`version` integer NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`expires_at` integer,
	`projection_warning` text
);
--> statement-breakpoint
INSERT INTO `__new_memory_entries`("id", "namespace", "key", "value", "version", "size", "created_at", "updated_at", "updated_by", "expires_at", "projection_warning") SELECT rowid, "namespace", "key", "value", "version", "size", "created_at", "updated_at", "updated_by", "expires_at", "projection_warning" FROM `memory_entries`;--> statement-breakpoint
DROP TABLE `memory_entries`;--> statement-breakpoint
ALTER TABLE `__new_memory_entries` RENAME TO `memory_entries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `memory_entries_namespace_key` ON `memory_entries` (`namespace`,`key`);--> statement-breakpoint
CREATE INDEX `memory_entries_expires_at` ON `memory_entries` (`expires_at`);--> statement-breakpoint
CREATE VIRTUAL TABLE `memory_fts` USING fts5(key, value, content='memory_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2');--> statement-breakpoint
CREATE TRIGGER `memory_fts_insert` AFTER INSERT ON `memory_entries` BEGIN
  INSERT INTO memory_fts(rowid, key, value) VALUES (new.id, new.key, new.value);
END;--> statement-breakpoint
CREATE TRIGGER `memory_fts_delete` AFTER DELETE ON `memory_entries` BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, key, value) VALUES ('delete', old.id, old.key, old.value);
END;--> statement-breakpoint
CREATE TRIGGER `memory_fts_update` AFTER UPDATE OF id, key, value ON `memory_entries`
  WHEN old.id IS NOT new.id OR old.key IS NOT new.key OR old.value IS NOT new.value BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, key, value) VALUES ('delete', old.id, old.key, old.value);
  INSERT INTO memory_fts(rowid, key, value) VALUES (new.id, new.key, new.value);
END;--> statement-breakpoint
INSERT INTO memory_fts(memory_fts) VALUES ('rebuild');

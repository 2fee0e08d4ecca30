-- Fewer pages per write (hand-edited after drizzle-kit generate: WITHOUT ROWID is not in drizzle's schema language).
-- changes: the rowid without AUTOINCREMENT and no secondary indexes; memory_history: one B-tree keyed (namespace, key, seq).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_changes` (
	`seq` integer PRIMARY KEY NOT NULL,
	`topic` text NOT NULL,
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`op` text NOT NULL,
	`version` integer NOT NULL,
	`value` text,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_changes`("seq", "topic", "namespace", "key", "op", "version", "value", "actor", "at", "expires_at") SELECT "seq", "topic", "namespace", "key", "op", "version", "value", "actor", "at", "expires_at" FROM `changes`;--> statement-breakpoint
DROP TABLE `changes`;--> statement-breakpoint
ALTER TABLE `__new_changes` RENAME TO `changes`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_memory_history` (
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`seq` integer NOT NULL,
	`op` text NOT NULL,
	`version` integer NOT NULL,
	`value` text,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`expires_at` integer,
	PRIMARY KEY(`namespace`, `key`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_memory_history`("namespace", "key", "seq", "op", "version", "value", "actor", "at", "expires_at") SELECT "namespace", "key", "seq", "op", "version", "value", "actor", "at", "expires_at" FROM `memory_history`;--> statement-breakpoint
DROP TABLE `memory_history`;--> statement-breakpoint
ALTER TABLE `__new_memory_history` RENAME TO `memory_history`;
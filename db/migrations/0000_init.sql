CREATE TABLE `changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
CREATE INDEX `changes_namespace_seq` ON `changes` (`namespace`,`seq`);--> statement-breakpoint
CREATE TABLE `memory_entries` (
	`namespace` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`version` integer NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`expires_at` integer,
	PRIMARY KEY(`namespace`, `key`)
);
--> statement-breakpoint
CREATE INDEX `memory_entries_expires_at` ON `memory_entries` (`expires_at`);--> statement-breakpoint
CREATE TABLE `memory_history` (
	`seq` integer PRIMARY KEY NOT NULL,
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
CREATE INDEX `memory_history_key` ON `memory_history` (`namespace`,`key`,`seq`);
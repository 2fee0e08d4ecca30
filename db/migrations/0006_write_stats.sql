CREATE TABLE `write_stats` (
	`bucket` integer NOT NULL,
	`actor` text NOT NULL,
	`writes` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`bucket`, `actor`)
);
--> statement-breakpoint
CREATE TABLE `write_stats_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`counting_since` integer
);

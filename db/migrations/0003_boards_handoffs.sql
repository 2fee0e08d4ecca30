CREATE TABLE `handoff_checklist` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` text NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	`done` integer DEFAULT false NOT NULL,
	`done_by` text,
	`done_at` integer,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `handoff_checklist_handoff` ON `handoff_checklist` (`handoff_id`,`position`);--> statement-breakpoint
CREATE TABLE `handoff_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` text NOT NULL,
	`kind` text NOT NULL,
	`author` text NOT NULL,
	`body` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `handoff_events_handoff` ON `handoff_events` (`handoff_id`,`at`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`continuation_id` text,
	`status` text NOT NULL,
	`handoff_type` text,
	`from_label` text NOT NULL,
	`from_user_id` text,
	`to_kind` text NOT NULL,
	`to_user_id` text,
	`to_label` text NOT NULL,
	`summary` text NOT NULL,
	`context` text NOT NULL,
	`checkpoint_id` integer,
	`base_checkpoint_id` integer,
	`memory_keys` text DEFAULT '[]' NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`reason` text,
	`renewed_from` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `handoffs_session` ON `handoffs` (`session_id`);--> statement-breakpoint
CREATE INDEX `handoffs_to_user` ON `handoffs` (`to_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `handoffs_from_user` ON `handoffs` (`from_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `handoffs_status_expiry` ON `handoffs` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `session_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`kind` text NOT NULL,
	`position` integer NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_items_session` ON `session_items` (`session_id`,`kind`,`position`);
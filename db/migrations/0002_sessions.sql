CREATE TABLE `session_agents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`role` text,
	`status` text DEFAULT 'active' NOT NULL,
	`current_task` text,
	`last_activity_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_agents_name` ON `session_agents` (`session_id`,`name`);--> statement-breakpoint
CREATE TABLE `session_blockers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`description` text NOT NULL,
	`kind` text,
	`severity` text DEFAULT 'medium' NOT NULL,
	`owner` text,
	`impact` text,
	`expected_resolution` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_blockers_session` ON `session_blockers` (`session_id`);--> statement-breakpoint
CREATE TABLE `session_checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`kind` text NOT NULL,
	`label` text,
	`snapshot` text NOT NULL,
	`session_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_checkpoints_session` ON `session_checkpoints` (`session_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `session_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`topic` text NOT NULL,
	`decision` text NOT NULL,
	`rationale` text,
	`alternatives` text DEFAULT '[]' NOT NULL,
	`decided_at` integer NOT NULL,
	`decided_by` text,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_decisions_session` ON `session_decisions` (`session_id`);--> statement-breakpoint
CREATE TABLE `session_files` (
	`session_id` text NOT NULL,
	`path` text NOT NULL,
	`kind` text NOT NULL,
	`touched_at` integer NOT NULL,
	`touched_by` text,
	PRIMARY KEY(`session_id`, `path`),
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `session_goals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	`done` integer DEFAULT false NOT NULL,
	`done_at` integer,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_goals_session` ON `session_goals` (`session_id`,`position`);--> statement-breakpoint
CREATE TABLE `session_workstreams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`next_steps` text DEFAULT '[]' NOT NULL,
	`files` text DEFAULT '[]' NOT NULL,
	`position` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `work_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_workstreams_session` ON `session_workstreams` (`session_id`,`position`);--> statement-breakpoint
CREATE TABLE `work_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`subtype` text,
	`title` text NOT NULL,
	`project` text,
	`owner` text,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`expected_duration` text,
	`expected_minutes` integer,
	`focus_area` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`branch` text,
	`last_commit` text,
	`next_steps` text DEFAULT '[]' NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`parent_id` text,
	`resume_count` integer DEFAULT 0 NOT NULL,
	`autosave_minutes` integer DEFAULT 30 NOT NULL,
	`last_activity_at` integer NOT NULL,
	`last_checkpoint_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`checkpoint_version` integer DEFAULT 0 NOT NULL,
	`source_namespace` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `work_sessions_status` ON `work_sessions` (`status`,`last_activity_at`);--> statement-breakpoint
CREATE INDEX `work_sessions_parent` ON `work_sessions` (`parent_id`);--> statement-breakpoint
ALTER TABLE `memory_entries` ADD `projection_warning` text;--> statement-breakpoint
CREATE INDEX `changes_topic_key_seq` ON `changes` (`topic`,`key`,`seq`);
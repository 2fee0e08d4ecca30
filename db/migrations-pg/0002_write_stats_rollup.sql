CREATE TABLE "write_stats_days" (
	"day" bigint NOT NULL,
	"actor" text NOT NULL,
	"writes" bigint NOT NULL,
	"last_at" bigint NOT NULL,
	CONSTRAINT "write_stats_days_day_actor_pk" PRIMARY KEY("day","actor")
);
--> statement-breakpoint
CREATE TABLE "write_stats_kinds" (
	"bucket" bigint NOT NULL,
	"kind" text NOT NULL,
	"writes" bigint NOT NULL,
	CONSTRAINT "write_stats_kinds_bucket_kind_pk" PRIMARY KEY("bucket","kind")
);
--> statement-breakpoint
-- Hand-added after drizzle-kit generate: the backfill from write_stats, as SQLite's 0009_write_stats_rollup.sql.
INSERT INTO "write_stats_days" ("day", "actor", "writes", "last_at")
  SELECT "bucket" / 96, "actor", sum("writes"), max("last_at") FROM "write_stats" GROUP BY "bucket" / 96, "actor";
--> statement-breakpoint
INSERT INTO "write_stats_kinds" ("bucket", "kind", "writes")
  SELECT "bucket", CASE
      WHEN left("actor", 6) = 'token:' OR left("actor", 4) = 'mcp:' THEN 'agent'
      WHEN left("actor", 4) = 'cli:' THEN 'cli'
      WHEN "actor" IN ('system', 'baton') THEN 'system'
      ELSE 'person' END AS "kind", sum("writes")
  FROM "write_stats" GROUP BY 1, 2;

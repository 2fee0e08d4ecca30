-- Rate limits shared by every node (a caller spreading requests over the nodes gets one limit, not one per node).
-- rate_windows: writes per caller in fixed one-minute windows, counted in one statement per write (db/rate-store.ts).
CREATE TABLE IF NOT EXISTS rate_windows (
  key text PRIMARY KEY,
  reset_at bigint NOT NULL,
  used integer NOT NULL
);
--> statement-breakpoint
-- rate_limits_signin: rate-limiter-flexible's RateLimiterPostgres table (its own layout), for sign-in attempts.
CREATE TABLE IF NOT EXISTS rate_limits_signin (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

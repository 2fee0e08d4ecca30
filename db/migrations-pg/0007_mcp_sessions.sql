-- MCP sessions known to every node: an agent's next request may land on another node, which opens the session
-- again only if it was opened for the same caller and not closed (DELETE). Not Baton's data: never exported.
CREATE TABLE IF NOT EXISTS mcp_sessions (
  id text PRIMARY KEY,
  owner text NOT NULL,
  created_at bigint NOT NULL,
  closed_at bigint
);

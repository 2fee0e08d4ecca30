'use client';

import Link from 'next/link';
import { useSyncExternalStore } from 'react';

const noSubscribe = () => () => {};

/** This page's own origin (where Baton runs for whoever reads the example); a placeholder while rendering on the server. */
function useOrigin(): string {
  return useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => '$BATON_URL',
  );
}

/** How an agent or a script writes memory: shown wherever there is nothing to show yet. */
export function AgentHowTo() {
  const origin = useOrigin();
  const curl = `curl -X PUT ${origin}/api/v1/memory/entry \\
  -H "authorization: Bearer $BATON_TOKEN" \\
  -H 'content-type: application/json' \\
  -d '{"namespace":"session-management","key":"session/development/state","value":{"progress":65},"ttl":86400}'`;
  const mcp = `memory_usage({
  action: "store",
  namespace: "session-management",
  key: "session/development/init",
  value: JSON.stringify({ session_id: "dev-1", goals: ["Ship auth"] }),
  ttl: 86400
})`;
  return (
    <div className="space-y-3 text-left">
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Agents write memory with the <code className="font-mono">memory_usage</code> tool (the same arguments as claude-flow&apos;s), scripts with REST or a
        socket. Every write shows up here the moment it commits. Each agent or script needs an API token: create one in{' '}
        <Link href="/settings" className="font-medium text-accent-600 underline dark:text-accent-500">
          Settings
        </Link>
        .
      </p>
      <figure>
        <figcaption className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">From an agent</figcaption>
        <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">{mcp}</pre>
      </figure>
      <figure>
        <figcaption className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">From a shell</figcaption>
        <pre data-testid="curl-example" className="overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
          {curl}
        </pre>
      </figure>
    </div>
  );
}

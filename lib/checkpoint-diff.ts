import type { CheckpointSnapshot, SessionBoard } from './session-types.ts';

/**
 * Checkpoints and what changed between them: one pure implementation shared by the server
 * (checkpoint snapshots, `resume`'s "changed since checkpoint") and the board (the checkpoint diff).
 */

/** What a checkpoint keeps of a board: enough to show, diff and resume from. */
export function snapshotOfBoard(board: SessionBoard, validation?: Record<string, unknown>): CheckpointSnapshot {
  return {
    status: board.status,
    owner: board.owner,
    branch: board.branch,
    lastCommit: board.lastCommit,
    nextSteps: board.nextSteps,
    metrics: board.metrics,
    goals: board.goals.map((g) => ({ text: g.text, done: g.done })),
    workstreams: board.workstreams.map((w) => ({ name: w.name, status: w.status, progress: w.progress, nextSteps: w.nextSteps })),
    files: board.files.map((f) => ({ path: f.path, kind: f.kind })),
    blockers: board.blockers.map((b) => ({ description: b.description, severity: b.severity, resolved: !!b.resolvedAt })),
    decisions: board.decisions.map((d) => ({ topic: d.topic, decision: d.decision })),
    ...(validation ? { validation } : {}),
  };
}

export interface SnapshotDiff {
  goalsDone: string[];
  goalsAdded: string[];
  workstreams: { name: string; from: number | null; to: number; statusFrom: string | null; statusTo: string }[];
  filesAdded: string[];
  blockersOpened: string[];
  blockersResolved: string[];
  decisionsAdded: { topic: string; decision: string }[];
  metrics: { name: string; from: unknown; to: unknown }[];
  branch: { from: string | null; to: string | null } | null;
  lastCommit: { from: string | null; to: string | null } | null;
}

/** What changed between two snapshots, for the checkpoint diff and "what changed since". */
export function diffSnapshots(before: CheckpointSnapshot, after: CheckpointSnapshot): SnapshotDiff {
  // Snapshots written by older versions may lack a list; treat it as empty rather than throw.
  const b = {
    goals: before.goals ?? [],
    workstreams: before.workstreams ?? [],
    files: before.files ?? [],
    blockers: before.blockers ?? [],
    decisions: before.decisions ?? [],
    metrics: before.metrics ?? {},
  };
  const a = {
    goals: after.goals ?? [],
    workstreams: after.workstreams ?? [],
    files: after.files ?? [],
    blockers: after.blockers ?? [],
    decisions: after.decisions ?? [],
    metrics: after.metrics ?? {},
  };
  const goalsDone = a.goals.filter((g) => g.done && !b.goals.find((x) => x.text === g.text)?.done).map((g) => g.text);
  const goalsAdded = a.goals.filter((g) => !b.goals.some((x) => x.text === g.text)).map((g) => g.text);
  const workstreams = a.workstreams
    .map((w) => {
      const was = b.workstreams.find((x) => x.name === w.name);
      return { name: w.name, from: was?.progress ?? null, to: w.progress, statusFrom: was?.status ?? null, statusTo: w.status };
    })
    .filter((w) => w.from !== w.to || w.statusFrom !== w.statusTo);
  const beforeFiles = new Set(b.files.map((f) => f.path));
  const filesAdded = a.files.filter((f) => !beforeFiles.has(f.path)).map((f) => f.path);
  const blockersOpened = a.blockers.filter((x) => !x.resolved && !b.blockers.some((y) => y.description === x.description)).map((x) => x.description);
  const blockersResolved = a.blockers
    .filter((x) => x.resolved && b.blockers.some((y) => y.description === x.description && !y.resolved))
    .map((x) => x.description);
  const decisionsAdded = a.decisions.filter((d) => !b.decisions.some((x) => x.topic === d.topic && x.decision === d.decision));
  const metrics = Object.keys({ ...b.metrics, ...a.metrics })
    .filter((k) => JSON.stringify(b.metrics[k]) !== JSON.stringify(a.metrics[k]))
    .map((k) => ({ name: k, from: b.metrics[k] ?? null, to: a.metrics[k] ?? null }));
  return {
    goalsDone,
    goalsAdded,
    workstreams,
    filesAdded,
    blockersOpened,
    blockersResolved,
    decisionsAdded,
    metrics,
    branch: before.branch !== after.branch ? { from: before.branch, to: after.branch } : null,
    lastCommit: before.lastCommit !== after.lastCommit ? { from: before.lastCommit, to: after.lastCommit } : null,
  };
}

/** True when a diff has nothing to show. */
export function isEmptyDiff(d: SnapshotDiff): boolean {
  return (
    d.goalsDone.length === 0 &&
    d.goalsAdded.length === 0 &&
    d.workstreams.length === 0 &&
    d.filesAdded.length === 0 &&
    d.blockersOpened.length === 0 &&
    d.blockersResolved.length === 0 &&
    d.decisionsAdded.length === 0 &&
    d.metrics.length === 0 &&
    !d.branch &&
    !d.lastCommit
  );
}

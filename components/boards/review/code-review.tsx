'use client';

import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import type { SessionBoard } from '../../../lib/session-types';
import { Participants, type Person } from '../coordination/participants';
import { detail, detailText, fieldsOf, itemsOf, numberOrNull, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { humanize } from '../look';
import { btnCls, Card, Chip, Empty, ErrorNote, IconButton, labelCls, linkBtnCls, primaryCls, ProgressBar, selectCls, Stat, TextField } from '../ui';
import { ITEM_SEVERITIES, itemSeverityLook, severityCounts, type ItemSeverity } from './look';
import { OutcomePanel, outcomeButtons, outcomeTones } from './outcome';

type Finding = BoardItem<'finding'>;

// ---- PR scope ------------------------------------------------------------------------------------

const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() && Number.isFinite(Number(v)) ? Number(v) : null;
const fmt = (n: number) => n.toLocaleString('en-US');

/** What is under review: the pull request, its size (files, lines + and −) and complexity if known. */
export function PrScope({ board }: { board: SessionBoard }) {
  const scope = detail<Record<string, unknown>>(board, 'review_scope') ?? {};
  const pr = typeof scope.pull_request === 'string' ? scope.pull_request : null;
  const feature = typeof scope.feature === 'string' ? scope.feature : board.focusArea;
  const files = num(scope.files_changed);
  const added = num(scope.lines_added);
  const deleted = num(scope.lines_deleted);
  const complexity = scope.complexity ?? board.metrics?.complexity ?? null;
  const known = new Set(['pull_request', 'feature', 'files_changed', 'lines_added', 'lines_deleted', 'complexity']);
  const extra = Object.entries(scope).filter(([k, v]) => !known.has(k) && (typeof v === 'string' || typeof v === 'number'));
  const churn = (added ?? 0) + (deleted ?? 0);

  return (
    <Card id="scope" title="Scope">
      <div data-testid="pr-scope">
        {Object.keys(scope).length === 0 ? (
          <Empty>No review scope recorded. The session&apos;s init gives it as review_scope.</Empty>
        ) : (
          <>
            <p className="flex flex-wrap items-baseline gap-x-3">
              {pr && (
                <span className="font-mono text-2xl font-bold" data-testid="pr">
                  {pr}
                </span>
              )}
              {feature && <span className="text-lg text-slate-700 dark:text-slate-200">{humanize(feature)}</span>}
            </p>
            <dl className="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-4">
              <Stat label="Files changed" value={files !== null ? fmt(files) : '—'} />
              <Stat label="Lines added" value={added !== null ? `+${fmt(added)}` : '—'} tone="text-emerald-700 dark:text-emerald-400" />
              <Stat label="Lines deleted" value={deleted !== null ? `−${fmt(deleted)}` : '—'} tone="text-rose-700 dark:text-rose-400" />
              {(typeof complexity === 'string' || typeof complexity === 'number') && <Stat label="Complexity" value={humanize(String(complexity))} />}
            </dl>
            {churn > 0 && (
              <div className="mt-3 flex h-2.5 overflow-hidden rounded-full" role="img" aria-label={`${added ?? 0} lines added, ${deleted ?? 0} deleted`}>
                <div className="bg-emerald-500" style={{ width: `${((added ?? 0) / churn) * 100}%` }} />
                <div className="bg-rose-500" style={{ width: `${((deleted ?? 0) / churn) * 100}%` }} />
              </div>
            )}
            {extra.length > 0 && (
              <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
                {extra.map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="text-slate-500 dark:text-slate-400">{humanize(k)}</dt>
                    <dd className="min-w-0 break-words">{String(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </>
        )}
      </div>
    </Card>
  );
}

// ---- criteria ------------------------------------------------------------------------------------

const SUGGESTED_CATEGORIES = ['security', 'performance', 'quality', 'testing', 'documentation'];

/** The review's checklists, one per category (security, performance, quality…), ticked as they are checked. */
export function Criteria({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [form, setForm] = useState({ category: 'quality', text: '' });
  // A tick shows at once; the board the API answers with (or the feed) confirms it.
  const [want, setWant] = useState<Record<number, boolean>>({});
  const criteria = itemsOf(board, 'criterion');
  const tick = async (id: number, checked: boolean) => {
    setWant((w) => ({ ...w, [id]: checked }));
    await edit.update(id, { data: { checked } });
    setWant((w) => Object.fromEntries(Object.entries(w).filter(([k]) => Number(k) !== id)));
  };
  const groups = [...new Set(criteria.map((c) => c.data.category))].map((category) => ({
    category,
    items: criteria.filter((c) => c.data.category === category),
  }));
  const checked = criteria.filter((c) => c.data.checked).length;
  const categories = [...new Set([...SUGGESTED_CATEGORIES, ...groups.map((g) => g.category)])];

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('criterion', { category: form.category, text: form.text })) setForm({ ...form, text: '' });
  };

  return (
    <Card id="criteria" title="Criteria" count={criteria.length ? `${checked}/${criteria.length}` : undefined}>
      {criteria.length > 0 && (
        <div className="mb-3">
          <ProgressBar value={(checked / criteria.length) * 100} label={`${checked} of ${criteria.length} criteria checked`} tone="bg-emerald-500" />
        </div>
      )}
      <div data-testid="criteria" className="space-y-4">
        {groups.map((g) => (
          <section key={g.category} data-category={g.category} aria-label={`${humanize(g.category)} criteria`}>
            <h3 className="mb-1 flex items-baseline gap-2 text-sm font-bold uppercase tracking-wide text-slate-700 dark:text-slate-200">
              {humanize(g.category)}
              <span className="text-xs font-semibold tabular-nums text-slate-500 dark:text-slate-400">
                {g.items.filter((c) => c.data.checked).length}/{g.items.length}
              </span>
            </h3>
            <ul className="space-y-0.5">
              {g.items.map((c) => (
                <li key={c.id} data-item={c.id} data-checked={c.data.checked ? 'true' : 'false'} className="flex items-start gap-2.5 rounded-md px-1 py-1">
                  {editable ? (
                    <input
                      type="checkbox"
                      id={`criterion-${c.id}`}
                      checked={want[c.id] ?? c.data.checked}
                      disabled={edit.pending.has(`update:${c.id}`)}
                      onChange={(e) => void tick(c.id, e.target.checked)}
                      className="mt-1 h-5 w-5 shrink-0 accent-emerald-600"
                    />
                  ) : (
                    <span
                      aria-hidden
                      className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded text-xs font-bold ${c.data.checked ? 'bg-emerald-600 text-white' : 'border-2 border-slate-300 dark:border-slate-600'}`}
                    >
                      {c.data.checked ? '✓' : ''}
                    </span>
                  )}
                  <label
                    htmlFor={editable ? `criterion-${c.id}` : undefined}
                    className={`min-w-0 flex-1 text-base leading-snug ${c.data.checked ? 'text-slate-500 dark:text-slate-400' : ''}`}
                  >
                    {!editable && <span className="sr-only">{c.data.checked ? 'Checked: ' : 'Not checked: '}</span>}
                    {c.data.text}
                  </label>
                  {editable && (
                    <IconButton label={`Remove "${c.data.text}"`} disabled={edit.busy} onClick={() => void edit.remove(c.id)}>
                      ✕
                    </IconButton>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      {criteria.length === 0 && <Empty>No review criteria yet.</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add criterion" className="mt-3 grid gap-2 sm:grid-cols-[10rem_1fr_auto]">
          <TextField
            id="criterion-category"
            maxLength={itemMax('criterion', 'category')}
            label="Category"
            hideLabel
            list="criterion-categories"
            value={form.category}
            onChange={(v) => setForm({ ...form, category: v })}
            error={edit.errorFor('category')}
          />
          <datalist id="criterion-categories">
            {categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <TextField
            id="criterion-text"
            maxLength={itemMax('criterion', 'text')}
            label="Criterion"
            hideLabel
            value={form.text}
            onChange={(v) => setForm({ ...form, text: v })}
            placeholder="Add a criterion…"
            error={edit.errorFor('text')}
          />
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add:criterion')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['category', 'text'])} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- reviewers -----------------------------------------------------------------------------------

const verdictStatus: Record<string, { reviewer: string; author: string; dot: string }> = {
  pending: { reviewer: 'reviewing', author: 'awaiting review', dot: 'bg-amber-500' },
  approved: { reviewer: 'approved', author: 'ready to merge', dot: 'bg-emerald-500' },
  'changes-requested': { reviewer: 'requested changes', author: 'addressing feedback', dot: 'bg-amber-500' },
  rejected: { reviewer: 'rejected', author: 'rejected', dot: 'bg-rose-500' },
};

/** The reviewer and the author (from the init), and any agents on the review, with their status. */
export function reviewPeople(board: SessionBoard): Person[] {
  const verdict = verdictStatus[fieldsOf(board).verdict?.outcome ?? 'pending'] ?? verdictStatus.pending!;
  const people: Person[] = [];
  const reviewer = detailText(board, 'reviewer') ?? board.owner;
  const author = detailText(board, 'author');
  const agent = (name: string) => board.agents.find((a) => a.name === name);
  if (reviewer) people.push({ name: reviewer, role: agent(reviewer)?.role ?? 'reviewer', status: verdict.reviewer, dot: verdict.dot });
  if (author && author !== reviewer)
    people.push({
      name: author,
      role: agent(author)?.role ?? 'author',
      status: verdict.author,
      dot: verdict.author === 'awaiting review' ? 'bg-slate-400' : verdict.dot,
    });
  for (const a of board.agents) if (!people.some((p) => p.name === a.name)) people.push({ name: a.name, role: a.role, status: a.status, task: a.currentTask });
  return people;
}

// ---- findings ------------------------------------------------------------------------------------

const findingStatus: Record<Finding['data']['status'], string> = {
  open: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  resolved: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  'wont-fix': 'bg-slate-200 text-slate-600 dark:bg-slate-800 dark:text-slate-400',
};

/** Findings, most severe first, each at file:line; members add, resolve and reopen. */
export function Findings({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ severity: 'medium' as ItemSeverity, title: '', file: '', line: '' });
  const findings = itemsOf(board, 'finding').sort(
    (a, b) =>
      (a.data.status === 'open' ? 0 : 1) - (b.data.status === 'open' ? 0 : 1) ||
      itemSeverityLook[a.data.severity].rank - itemSeverityLook[b.data.severity].rank ||
      a.position - b.position,
  );
  const open = findings.filter((f) => f.data.status === 'open');
  const counts = severityCounts(open.map((f) => f.data));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await edit.add('finding', { severity: form.severity, title: form.title, file: form.file, line: numberOrNull(form.line) });
    if (ok) {
      setForm({ severity: form.severity, title: '', file: '', line: '' });
      setAdding(false);
    }
  };
  const fields = ['severity', 'title', 'file', 'line'];

  return (
    <Card
      id="findings"
      title="Findings"
      count={findings.length ? `${open.length} open` : undefined}
      action={
        editable && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add finding
          </button>
        ) : undefined
      }
    >
      {counts.length > 0 && (
        <p className="mb-3 flex flex-wrap gap-1.5" data-testid="finding-counts">
          {counts.map((c) => (
            <Chip key={c.severity} className={itemSeverityLook[c.severity].chip}>
              {c.count} {c.severity}
            </Chip>
          ))}
        </p>
      )}
      {editable && adding && (
        <form onSubmit={(e) => void add(e)} aria-label="Add finding" className="mb-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
          <div className="grid gap-2 sm:grid-cols-[8rem_1fr]">
            <div>
              <label htmlFor="finding-severity" className={labelCls}>
                Severity
              </label>
              <select
                id="finding-severity"
                value={form.severity}
                onChange={(e) => setForm({ ...form, severity: e.target.value as ItemSeverity })}
                className={`${selectCls} w-full`}
              >
                {ITEM_SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <TextField
              id="finding-title"
              maxLength={itemMax('finding', 'title')}
              label="Finding"
              value={form.title}
              onChange={(v) => setForm({ ...form, title: v })}
              autoFocus
              error={edit.errorFor('title')}
            />
          </div>
          <div className="grid grid-cols-[1fr_6rem] gap-2">
            <TextField
              id="finding-file"
              maxLength={itemMax('finding', 'file')}
              label="File"
              value={form.file}
              onChange={(v) => setForm({ ...form, file: v })}
              placeholder="src/auth/login.ts"
              className="font-mono"
              error={edit.errorFor('file')}
            />
            <TextField
              id="finding-line"
              label="Line"
              inputMode="numeric"
              value={form.line}
              onChange={(v) => setForm({ ...form, line: v })}
              className="font-mono"
              error={edit.errorFor('line')}
            />
          </div>
          <div className="flex gap-2">
            <button type="submit" className={primaryCls} disabled={edit.pending.has('add:finding')}>
              {edit.pending.has('add:finding') ? 'Adding…' : 'Add finding'}
            </button>
            <button
              type="button"
              className={btnCls}
              onClick={() => {
                setAdding(false);
                edit.clear();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <ul data-testid="findings" className="space-y-2">
        {findings.map((f) => {
          const where = f.data.file ? `${f.data.file}${f.data.line !== null ? `:${f.data.line}` : ''}` : null;
          const closed = f.data.status !== 'open';
          return (
            <li
              key={f.id}
              data-item={f.id}
              data-severity={f.data.severity}
              data-status={f.data.status}
              className={`rounded-lg border border-l-4 border-slate-200 p-3 dark:border-slate-800 ${itemSeverityLook[f.data.severity].bar} ${closed ? 'opacity-70' : ''}`}
            >
              <div className="flex flex-wrap items-start gap-2">
                <Chip className={itemSeverityLook[f.data.severity].chip}>{f.data.severity}</Chip>
                <p className={`min-w-0 flex-1 basis-48 text-base font-medium leading-snug ${closed ? 'line-through decoration-slate-400' : ''}`}>
                  {f.data.title}
                </p>
                {closed && <Chip className={findingStatus[f.data.status]}>{f.data.status === 'wont-fix' ? "won't fix" : f.data.status}</Chip>}
                {editable && (
                  <span className="flex shrink-0 gap-1">
                    {f.data.status === 'open' ? (
                      <>
                        <button
                          type="button"
                          className={`${btnCls} px-2 py-1 text-xs`}
                          disabled={edit.pending.has(`update:${f.id}`)}
                          onClick={() => void edit.update(f.id, { data: { status: 'resolved' } })}
                        >
                          Resolve
                        </button>
                        <button
                          type="button"
                          className={`${btnCls} px-2 py-1 text-xs`}
                          disabled={edit.pending.has(`update:${f.id}`)}
                          onClick={() => void edit.update(f.id, { data: { status: 'wont-fix' } })}
                        >
                          Won&apos;t fix
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        className={`${btnCls} px-2 py-1 text-xs`}
                        disabled={edit.pending.has(`update:${f.id}`)}
                        onClick={() => void edit.update(f.id, { data: { status: 'open' } })}
                      >
                        Reopen
                      </button>
                    )}
                    <IconButton label={`Remove "${f.data.title}"`} disabled={edit.busy} onClick={() => void edit.remove(f.id)}>
                      ✕
                    </IconButton>
                  </span>
                )}
              </div>
              {where && (
                <p className="mt-1 break-all font-mono text-sm text-slate-700 dark:text-slate-300" data-testid="finding-location">
                  {where}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {findings.length === 0 && <Empty>No findings yet.</Empty>}
      <ErrorNote message={adding ? edit.otherError(fields) : (edit.error?.message ?? null)} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- verdict -------------------------------------------------------------------------------------

const VERDICTS = [
  { outcome: 'approved' as const, action: 'Approve', label: 'Approved', tone: outcomeTones.good, button: outcomeButtons.good },
  {
    outcome: 'changes-requested' as const,
    action: 'Request changes',
    label: 'Changes requested',
    tone: outcomeTones.warn,
    button: outcomeButtons.warn,
    needsNote: true,
  },
  { outcome: 'rejected' as const, action: 'Reject', label: 'Rejected', tone: outcomeTones.bad, button: outcomeButtons.bad, needsNote: true },
];

/** The review's verdict: approve, request changes or reject (with a note). */
export function Verdict({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const serious = itemsOf(board, 'finding').filter((f) => f.data.status === 'open' && itemSeverityLook[f.data.severity].rank <= 1).length;
  const criteria = itemsOf(board, 'criterion');
  const unchecked = criteria.filter((c) => !c.data.checked).length;
  const warning =
    serious > 0 || unchecked > 0 ? (
      <p className="text-sm font-medium text-amber-800 dark:text-amber-300">
        {[
          serious > 0 && `${serious} open critical/high ${serious === 1 ? 'finding' : 'findings'}`,
          unchecked > 0 && `${unchecked} of ${criteria.length} criteria unchecked`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
    ) : undefined;
  return (
    <OutcomePanel
      id="verdict"
      title="Verdict"
      field="verdict"
      value={fieldsOf(board).verdict}
      choices={VERDICTS}
      pendingLabel="Pending review"
      edit={edit}
      editable={editable}
      warning={warning}
    />
  );
}

type Props = BoardSectionProps & { now: number; canEdit: boolean };

/** Code review: scope and checklists in front; findings; who reviews and the verdict beside. */
export function CodeReviewBoard(props: Props) {
  return (
    <div className="grid items-start gap-4 lg:grid-cols-2" data-testid="board-review-code">
      <div className="flex min-w-0 flex-col gap-4">
        <PrScope board={props.board} />
        <Criteria {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4">
        <Verdict {...props} />
        <Participants board={props.board} title="Reviewers" people={reviewPeople(props.board)} />
        <Findings {...props} />
      </div>
    </div>
  );
}

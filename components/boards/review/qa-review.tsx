'use client';

import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import type { SessionBoard } from '../../../lib/session-types';
import { Participants } from '../coordination/participants';
import { detailList, detailText, fieldsOf, itemsOf, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { humanize } from '../look';
import { btnCls, Card, Chip, Empty, ErrorNote, IconButton, selectCls, TextField } from '../ui';
import { ITEM_SEVERITIES, itemSeverityLook, severityCounts, type ItemSeverity } from './look';
import { OutcomePanel, outcomeButtons, outcomeTones } from './outcome';

type Environment = BoardItem<'environment'>;
type Result = BoardItem<'result'>;
type Outcome = Result['data']['outcome'];
type Defect = BoardItem<'defect'>;

// ---- scope ---------------------------------------------------------------------------------------

/** What QA covers: the feature, the lead, the areas under test and where. */
export function QaScope({ board }: { board: SessionBoard }) {
  const areas = detailList(board, 'testing_scope');
  const feature = detailText(board, 'feature') ?? board.focusArea;
  const env = detailText(board, 'test_environment');
  return (
    <Card id="scope" title="Scope" count={areas.length || undefined}>
      <div data-testid="qa-scope">
        <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          {feature && <span className="text-2xl font-bold">{humanize(feature)}</span>}
          {env && (
            <span className="text-base text-slate-600 dark:text-slate-300">
              on <span className="font-semibold text-slate-900 dark:text-white">{env}</span>
            </span>
          )}
        </p>
        {areas.length > 0 ? (
          <ul className="mt-3 flex flex-wrap gap-2">
            {areas.map((a) => (
              <li key={a} className="rounded-md border border-slate-300 px-2.5 py-1 text-base font-medium dark:border-slate-700">
                {a}
              </li>
            ))}
          </ul>
        ) : (
          <div className="mt-3">
            <Empty>No testing scope recorded.</Empty>
          </div>
        )}
      </div>
    </Card>
  );
}

// ---- environments --------------------------------------------------------------------------------

const envLook: Record<Environment['data']['status'], { dot: string; text: string }> = {
  ready: { dot: 'bg-emerald-500', text: 'text-emerald-800 dark:text-emerald-300' },
  degraded: { dot: 'bg-amber-500', text: 'text-amber-800 dark:text-amber-300' },
  down: { dot: 'bg-rose-500', text: 'text-rose-800 dark:text-rose-300' },
};

export function Environments({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [name, setName] = useState('');
  const envs = itemsOf(board, 'environment');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('environment', { name })) setName('');
  };
  return (
    <Card id="environments" title="Environments" count={envs.length || undefined}>
      <ul data-testid="environments" className="space-y-1.5">
        {envs.map((env) => (
          <li
            key={env.id}
            data-environment={env.data.name}
            data-status={env.data.status}
            className="flex items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-800"
          >
            <span aria-hidden className={`h-3 w-3 shrink-0 rounded-full ${envLook[env.data.status].dot}`} />
            <span className="min-w-0 flex-1 truncate text-lg font-semibold">{env.data.name}</span>
            {editable ? (
              <select
                aria-label={`Status of ${env.data.name}`}
                value={env.data.status}
                onChange={(e) => void edit.update(env.id, { data: { status: e.target.value } })}
                className={selectCls}
                disabled={edit.pending.has(`update:${env.id}`)}
              >
                {(['ready', 'degraded', 'down'] as const).map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            ) : (
              <span className={`text-sm font-semibold ${envLook[env.data.status].text}`}>{env.data.status}</span>
            )}
            {editable && (
              <IconButton label={`Remove ${env.data.name}`} disabled={edit.busy} onClick={() => void edit.remove(env.id)}>
                ✕
              </IconButton>
            )}
          </li>
        ))}
      </ul>
      {envs.length === 0 && <Empty>No environments listed.</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add environment" className="mt-3 flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <TextField
              id="env-name"
              maxLength={itemMax('environment', 'name')}
              label="Environment"
              hideLabel
              value={name}
              onChange={setName}
              placeholder="Add an environment…"
              error={edit.errorFor('name')}
            />
          </div>
          <button type="submit" className={btnCls} disabled={edit.pending.has('add:environment')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['name'])} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- results -------------------------------------------------------------------------------------

const OUTCOMES: Outcome[] = ['pass', 'fail', 'skip', 'pending'];
const outcomeLook: Record<Outcome, { label: string; on: string; bar: string; text: string }> = {
  pass: { label: 'Pass', on: 'bg-emerald-600 text-white border-emerald-600', bar: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-400' },
  fail: { label: 'Fail', on: 'bg-rose-600 text-white border-rose-600', bar: 'bg-rose-500', text: 'text-rose-700 dark:text-rose-400' },
  skip: { label: 'Skip', on: 'bg-slate-600 text-white border-slate-600', bar: 'bg-slate-400', text: 'text-slate-600 dark:text-slate-300' },
  pending: {
    label: 'Pending',
    on: 'bg-amber-500 text-slate-950 border-amber-500',
    bar: 'bg-amber-300 dark:bg-amber-600',
    text: 'text-amber-700 dark:text-amber-400',
  },
};

/** Results per test area: pass / fail / skip / pending, with counts and a stacked bar. */
export function Results({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const results = itemsOf(board, 'result');
  const envs = itemsOf(board, 'environment').map((e) => e.data.name);
  const [form, setForm] = useState({ area: '', environment: '' });
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, results.filter((r) => r.data.outcome === o).length])) as Record<Outcome, number>;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('result', { area: form.area, environment: form.environment || envs[0] || null })) setForm({ ...form, area: '' });
  };

  return (
    <Card id="results" title="Results" count={results.length ? `${counts.pass}/${results.length} pass` : undefined}>
      {results.length > 0 && (
        <>
          <dl className="mb-2 grid grid-cols-4 gap-2 text-center" data-testid="result-counts">
            {OUTCOMES.map((o) => (
              <div key={o} data-outcome={o} data-count={counts[o]} className="rounded-md bg-slate-50 py-1.5 dark:bg-slate-900">
                <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{outcomeLook[o].label}</dt>
                <dd className={`text-2xl font-bold tabular-nums ${counts[o] ? outcomeLook[o].text : 'text-slate-400 dark:text-slate-600'}`}>{counts[o]}</dd>
              </div>
            ))}
          </dl>
          <div
            className="mb-3 flex h-2.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
            role="img"
            aria-label={OUTCOMES.map((o) => `${counts[o]} ${o}`).join(', ')}
          >
            {OUTCOMES.map((o) => counts[o] > 0 && <div key={o} className={outcomeLook[o].bar} style={{ width: `${(counts[o] / results.length) * 100}%` }} />)}
          </div>
        </>
      )}
      <ul data-testid="results" className="divide-y divide-slate-100 dark:divide-slate-800">
        {results.map((r) => (
          <li key={r.id} data-item={r.id} data-area={r.data.area} data-outcome={r.data.outcome} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 py-2">
            <div className="min-w-0 flex-1 basis-44">
              <p className="text-base font-semibold">{r.data.area}</p>
              {(r.data.environment || r.data.notes) && (
                <p className="text-sm text-slate-600 dark:text-slate-300">{[r.data.environment, r.data.notes].filter(Boolean).join(' · ')}</p>
              )}
            </div>
            {editable ? (
              <div
                role="group"
                aria-label={`Result of ${r.data.area}`}
                className="flex shrink-0 overflow-hidden rounded-md border border-slate-300 dark:border-slate-700"
              >
                {OUTCOMES.map((o) => (
                  <button
                    key={o}
                    type="button"
                    aria-pressed={r.data.outcome === o}
                    disabled={edit.pending.has(`update:${r.id}`)}
                    onClick={() => r.data.outcome !== o && void edit.update(r.id, { data: { outcome: o } })}
                    className={`border-l border-slate-300 px-2.5 py-1 text-sm font-semibold first:border-l-0 dark:border-slate-700 ${r.data.outcome === o ? outcomeLook[o].on : 'bg-white text-slate-700 hover:bg-slate-50 dark:bg-slate-950 dark:text-slate-200 dark:hover:bg-slate-800'}`}
                  >
                    {outcomeLook[o].label}
                  </button>
                ))}
              </div>
            ) : (
              <Chip className={outcomeLook[r.data.outcome].on}>{outcomeLook[r.data.outcome].label}</Chip>
            )}
            {editable && (
              <IconButton label={`Remove ${r.data.area}`} disabled={edit.busy} onClick={() => void edit.remove(r.id)}>
                ✕
              </IconButton>
            )}
          </li>
        ))}
      </ul>
      {results.length === 0 && <Empty>No results yet.</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add test area" className="mt-3 grid gap-2 sm:grid-cols-[1fr_10rem_auto]">
          <TextField
            id="result-area"
            maxLength={itemMax('result', 'area')}
            label="Test area"
            hideLabel
            value={form.area}
            onChange={(v) => setForm({ ...form, area: v })}
            placeholder="Add a test area…"
            error={edit.errorFor('area')}
          />
          <TextField
            id="result-env"
            maxLength={itemMax('result', 'environment')}
            label="Environment"
            hideLabel
            list="result-envs"
            value={form.environment}
            onChange={(v) => setForm({ ...form, environment: v })}
            placeholder={envs[0] ?? 'Environment'}
            error={edit.errorFor('environment')}
          />
          <datalist id="result-envs">
            {envs.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add:result')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['area', 'environment'])} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- defects -------------------------------------------------------------------------------------

const DEFECT_STATUSES: Defect['data']['status'][] = ['open', 'fixed', 'verified', 'wont-fix'];

/** Defects, most severe first; open ones counted by severity. */
export function Defects({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [form, setForm] = useState({ title: '', severity: 'medium' as ItemSeverity });
  const defects = itemsOf(board, 'defect').sort((a, b) => {
    const closed = (d: Defect) => (d.data.status === 'open' ? 0 : d.data.status === 'fixed' ? 1 : 2);
    return closed(a) - closed(b) || itemSeverityLook[a.data.severity].rank - itemSeverityLook[b.data.severity].rank;
  });
  const open = defects.filter((d) => d.data.status === 'open');
  const counts = severityCounts(open.map((d) => d.data));
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('defect', form)) setForm({ ...form, title: '' });
  };
  return (
    <Card id="defects" title="Defects" count={defects.length ? `${open.length} open` : undefined}>
      {counts.length > 0 && (
        <p className="mb-3 flex flex-wrap gap-1.5" data-testid="defect-counts">
          {counts.map((c) => (
            <Chip key={c.severity} className={itemSeverityLook[c.severity].chip}>
              {c.count} {c.severity}
            </Chip>
          ))}
        </p>
      )}
      <ul data-testid="defects" className="space-y-2">
        {defects.map((d) => (
          <li
            key={d.id}
            data-item={d.id}
            data-severity={d.data.severity}
            data-status={d.data.status}
            className={`flex flex-wrap items-center gap-2 rounded-lg border border-l-4 border-slate-200 px-3 py-2 dark:border-slate-800 ${itemSeverityLook[d.data.severity].bar}`}
          >
            <Chip className={itemSeverityLook[d.data.severity].chip}>{d.data.severity}</Chip>
            <span
              className={`min-w-0 flex-1 basis-40 text-base font-medium ${d.data.status === 'open' ? '' : 'text-slate-500 line-through decoration-slate-400 dark:text-slate-400'}`}
            >
              {d.data.title}
            </span>
            {editable ? (
              <select
                aria-label={`Status of "${d.data.title}"`}
                value={d.data.status}
                onChange={(e) => void edit.update(d.id, { data: { status: e.target.value } })}
                className={selectCls}
                disabled={edit.pending.has(`update:${d.id}`)}
              >
                {DEFECT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s === 'wont-fix' ? "won't fix" : s}
                  </option>
                ))}
              </select>
            ) : (
              <span className="text-sm font-semibold text-slate-600 dark:text-slate-300">{d.data.status}</span>
            )}
            {editable && (
              <IconButton label={`Remove "${d.data.title}"`} disabled={edit.busy} onClick={() => void edit.remove(d.id)}>
                ✕
              </IconButton>
            )}
          </li>
        ))}
      </ul>
      {defects.length === 0 && <Empty>No defects found.</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add defect" className="mt-3 grid gap-2 sm:grid-cols-[8rem_1fr_auto]">
          <div>
            <label htmlFor="defect-severity" className="sr-only">
              Severity
            </label>
            <select
              id="defect-severity"
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
            id="defect-title"
            maxLength={itemMax('defect', 'title')}
            label="Defect"
            hideLabel
            value={form.title}
            onChange={(v) => setForm({ ...form, title: v })}
            placeholder="Report a defect…"
            error={edit.errorFor('title')}
          />
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add:defect')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['title', 'severity'])} onDismiss={edit.clear} />
    </Card>
  );
}

// ---- sign-off ------------------------------------------------------------------------------------

const SIGN_OFFS = [
  { outcome: 'signed-off' as const, action: 'Sign off', label: 'Signed off', tone: outcomeTones.good, button: outcomeButtons.good },
  { outcome: 'blocked' as const, action: 'Block release', label: 'Blocked', tone: outcomeTones.bad, button: outcomeButtons.bad, needsNote: true },
];

export function SignOff({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const failing = itemsOf(board, 'result').filter((r) => r.data.outcome === 'fail').length;
  const pending = itemsOf(board, 'result').filter((r) => r.data.outcome === 'pending').length;
  const serious = itemsOf(board, 'defect').filter((d) => d.data.status === 'open' && itemSeverityLook[d.data.severity].rank <= 1).length;
  const notes = [
    failing && `${failing} failing`,
    pending && `${pending} pending`,
    serious && `${serious} open critical/high ${serious === 1 ? 'defect' : 'defects'}`,
  ].filter(Boolean);
  const warning = notes.length ? <p className="text-sm font-medium text-amber-800 dark:text-amber-300">{notes.join(' · ')}</p> : undefined;
  return (
    <OutcomePanel
      id="sign-off"
      title="Sign-off"
      field="signOff"
      value={fieldsOf(board).signOff}
      choices={SIGN_OFFS}
      pendingLabel="Not signed off"
      edit={edit}
      editable={editable}
      warning={warning}
    />
  );
}

type Props = BoardSectionProps & { now: number; canEdit: boolean };

/** QA review: scope and results in front; environments, defects and the sign-off beside. */
export function QaReviewBoard(props: Props) {
  const lead = detailText(props.board, 'qa_lead') ? 'QA lead' : 'Lead';
  return (
    <div className="grid items-start gap-4 lg:grid-cols-5" data-testid="board-review-qa">
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-3">
        <QaScope board={props.board} />
        <Results {...props} />
      </div>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <SignOff {...props} />
        <Environments {...props} />
        <Defects {...props} />
        <Participants board={props.board} title="Team" leadRole={lead} />
      </div>
    </div>
  );
}

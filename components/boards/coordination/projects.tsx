'use client';

import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import { itemsOf, numberOrNull, useBoardEdit, useEditable, type BoardEdit, type BoardSectionProps, itemMax } from '../items';
import { humanize } from '../look';
import { btnCls, Card, Chip, Empty, ErrorNote, FieldError, IconButton, inputCls, labelCls, linkBtnCls, primaryCls, selectCls, TextField } from '../ui';

type Project = BoardItem<'project'>;
type Priority = Project['data']['priority'];
export const PRIORITIES: Priority[] = ['critical', 'high', 'medium', 'low'];
export const priorityLook: Record<Priority, { rank: number; chip: string; stroke: string; border: string }> = {
  critical: {
    rank: 0,
    chip: 'bg-rose-600 text-white dark:bg-rose-500',
    stroke: 'stroke-rose-600 dark:stroke-rose-400',
    border: 'border-l-rose-600 dark:border-l-rose-400',
  },
  high: {
    rank: 1,
    chip: 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-300',
    stroke: 'stroke-orange-500 dark:stroke-orange-400',
    border: 'border-l-orange-500 dark:border-l-orange-400',
  },
  medium: {
    rank: 2,
    chip: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300',
    stroke: 'stroke-amber-500 dark:stroke-amber-400',
    border: 'border-l-amber-500 dark:border-l-amber-400',
  },
  low: {
    rank: 3,
    chip: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
    stroke: 'stroke-slate-400 dark:stroke-slate-500',
    border: 'border-l-slate-400 dark:border-l-slate-500',
  },
};

type SortKey = 'priority' | 'name' | 'blockers' | 'teamSize';
const sorts: Record<SortKey, { label: string; cmp: (a: Project, b: Project) => number }> = {
  priority: { label: 'Priority', cmp: (a, b) => priorityLook[a.data.priority].rank - priorityLook[b.data.priority].rank },
  name: { label: 'Name', cmp: (a, b) => a.data.name.localeCompare(b.data.name) },
  blockers: { label: 'Blockers', cmp: (a, b) => b.data.blockers - a.data.blockers },
  teamSize: { label: 'Team size', cmp: (a, b) => (b.data.teamSize ?? 0) - (a.data.teamSize ?? 0) },
};

function ProjectForm({ edit, project, onDone }: { edit: BoardEdit; project?: Project; onDone: () => void }) {
  const d = project?.data;
  const [form, setForm] = useState({
    name: d?.name ?? '',
    status: d?.status ?? 'active',
    teamSize: d?.teamSize?.toString() ?? '',
    sprint: d?.sprint?.toString() ?? '',
    blockers: d?.blockers?.toString() ?? '0',
    priority: d?.priority ?? 'medium',
  });
  const key = project ? `update:${project.id}` : 'add:project';
  const idp = project ? `project-${project.id}` : 'project-new';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const data = {
      name: form.name,
      status: form.status,
      teamSize: numberOrNull(form.teamSize),
      sprint: numberOrNull(form.sprint),
      blockers: numberOrNull(form.blockers) ?? 0,
      priority: form.priority,
    };
    const ok = project ? await edit.update(project.id, { data }, key) : await edit.add('project', data, key);
    if (ok) onDone();
  };
  const field = (name: keyof typeof form, label: string, extra: { inputMode?: 'numeric' } = {}) => (
    <div className="min-w-0">
      <label htmlFor={`${idp}-${name}`} className={labelCls}>
        {label}
      </label>
      <input
        id={`${idp}-${name}`}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        className={inputCls}
        aria-describedby={`${idp}-${name}-error`}
        {...extra}
      />
      <FieldError id={`${idp}-${name}-error`} message={edit.errorFor(name)} />
    </div>
  );
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label={project ? `Edit ${d!.name}` : 'Add project'}
      className="mt-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900"
    >
      <div className="grid gap-2 sm:grid-cols-2">
        {field('name', 'Name')}
        {field('status', 'Status')}
      </div>
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        {field('teamSize', 'Team size', { inputMode: 'numeric' })}
        {field('sprint', 'Sprint', { inputMode: 'numeric' })}
        {field('blockers', 'Blockers', { inputMode: 'numeric' })}
        <div className="min-w-0">
          <label htmlFor={`${idp}-priority`} className={labelCls}>
            Priority
          </label>
          <select
            id={`${idp}-priority`}
            value={form.priority}
            onChange={(e) => setForm({ ...form, priority: e.target.value as Priority })}
            className={`${selectCls} w-full`}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="flex gap-2">
        <button type="submit" className={primaryCls} disabled={edit.pending.has(key)}>
          {edit.pending.has(key) ? 'Saving…' : project ? 'Save' : 'Add project'}
        </button>
        <button
          type="button"
          className={btnCls}
          onClick={() => {
            edit.clear();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The projects being coordinated: status, team, sprint, blockers, priority; sortable. */
export function ProjectsGrid({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [sort, setSort] = useState<SortKey>('priority');
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const projects = itemsOf(board, 'project').sort((a, b) => sorts[sort].cmp(a, b) || a.position - b.position);
  const blocked = projects.reduce((n, p) => n + p.data.blockers, 0);

  return (
    <Card
      id="projects"
      title="Projects"
      count={projects.length || undefined}
      action={
        editable && editing === null ? (
          <button type="button" className={linkBtnCls} onClick={() => setEditing('new')}>
            + Add project
          </button>
        ) : undefined
      }
    >
      {projects.length > 1 && (
        <div className="mb-3 flex flex-wrap items-center gap-1.5 text-sm" role="group" aria-label="Sort projects by">
          <span className="mr-1 text-slate-500 dark:text-slate-400">Sort by</span>
          {(Object.keys(sorts) as SortKey[]).map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={sort === k}
              onClick={() => setSort(k)}
              className={`rounded-full px-2.5 py-0.5 font-medium ${sort === k ? 'bg-slate-900 text-white dark:bg-white dark:text-slate-900' : 'bg-slate-100 text-slate-700 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700'}`}
            >
              {sorts[k].label}
            </button>
          ))}
          {blocked > 0 && <span className="ml-auto font-semibold text-rose-700 dark:text-rose-300">{blocked} blockers across projects</span>}
        </div>
      )}
      <ul data-testid="projects" className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {projects.map((p) => (
          <li
            key={p.id}
            data-project={p.data.name}
            data-priority={p.data.priority}
            className={`flex min-w-0 flex-col rounded-lg border border-slate-200 border-l-4 p-3 dark:border-slate-800 ${priorityLook[p.data.priority].border}`}
          >
            <div className="flex items-start gap-2">
              <h3 className="min-w-0 flex-1 text-xl font-bold break-words">{p.data.name}</h3>
              <Chip className={priorityLook[p.data.priority].chip}>{p.data.priority}</Chip>
            </div>
            <p className="text-sm text-slate-600 dark:text-slate-300">{humanize(p.data.status)}</p>
            <dl className="mt-2 grid grid-cols-3 gap-2 text-center">
              <div className="rounded-md bg-slate-50 py-1 dark:bg-slate-900">
                <dt className="text-[0.7rem] font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Team</dt>
                <dd className="text-xl font-bold tabular-nums">{p.data.teamSize ?? '—'}</dd>
              </div>
              <div className="rounded-md bg-slate-50 py-1 dark:bg-slate-900">
                <dt className="text-[0.7rem] font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Sprint</dt>
                <dd className="text-xl font-bold tabular-nums">{p.data.sprint ?? '—'}</dd>
              </div>
              <div
                className={`rounded-md py-1 ${p.data.blockers > 0 ? 'bg-rose-50 text-rose-800 dark:bg-rose-950 dark:text-rose-200' : 'bg-slate-50 dark:bg-slate-900'}`}
              >
                <dt className="text-[0.7rem] font-semibold uppercase tracking-wide opacity-80">Blockers</dt>
                <dd className="text-xl font-bold tabular-nums" data-testid="project-blockers">
                  {p.data.blockers}
                </dd>
              </div>
            </dl>
            {editable && editing !== p.id && (
              <div className="mt-2 flex justify-end gap-1">
                <button type="button" className={linkBtnCls} onClick={() => setEditing(p.id)}>
                  Edit
                </button>
                <IconButton label={`Remove ${p.data.name}`} disabled={edit.busy} onClick={() => void edit.remove(p.id)}>
                  ✕
                </IconButton>
              </div>
            )}
            {editable && editing === p.id && <ProjectForm edit={edit} project={p} onDone={() => setEditing(null)} />}
          </li>
        ))}
      </ul>
      {projects.length === 0 && <Empty>No projects yet.{editable ? ' Add the projects this meeting coordinates.' : ''}</Empty>}
      {editable && editing === 'new' && <ProjectForm edit={edit} onDone={() => setEditing(null)} />}
      <ErrorNote
        message={editing === null ? (edit.error?.message ?? null) : edit.otherError(['name', 'status', 'teamSize', 'sprint', 'blockers', 'priority'])}
        onDismiss={edit.clear}
      />
    </Card>
  );
}

/** Shared resources (teams, people, environments) and how they are split. */
export function SharedResources({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [form, setForm] = useState({ name: '', allocation: '' });
  const resources = itemsOf(board, 'resource');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('resource', { name: form.name, allocation: form.allocation })) setForm({ name: '', allocation: '' });
  };
  return (
    <Card id="resources" title="Shared resources" count={resources.length || undefined}>
      <ul data-testid="resources" className="divide-y divide-slate-100 dark:divide-slate-800">
        {resources.map((r) => (
          <li key={r.id} data-resource={r.data.name} className="flex items-center gap-2 py-2">
            <span aria-hidden className="h-2.5 w-2.5 shrink-0 rounded-sm bg-accent-500" />
            <span className="min-w-0 flex-1">
              <span className="block truncate text-base font-semibold">{r.data.name}</span>
              {r.data.allocation && <span className="block text-sm text-slate-600 dark:text-slate-300">{r.data.allocation}</span>}
            </span>
            {editable && (
              <IconButton label={`Remove ${r.data.name}`} disabled={edit.busy} onClick={() => void edit.remove(r.id)}>
                ✕
              </IconButton>
            )}
          </li>
        ))}
      </ul>
      {resources.length === 0 && <Empty>No shared resources listed.</Empty>}
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Add shared resource" className="mt-3 grid gap-2 sm:grid-cols-[1fr_1fr_auto]">
          <TextField
            id="resource-name"
            maxLength={itemMax('resource', 'name')}
            label="Resource"
            hideLabel
            value={form.name}
            onChange={(v) => setForm({ ...form, name: v })}
            placeholder="Team, person or environment"
            error={edit.errorFor('name')}
          />
          <TextField
            id="resource-allocation"
            maxLength={itemMax('resource', 'allocation')}
            label="Allocation"
            hideLabel
            value={form.allocation}
            onChange={(v) => setForm({ ...form, allocation: v })}
            placeholder="Allocation (optional)"
            error={edit.errorFor('allocation')}
          />
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add:resource')}>
            Add
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['name', 'allocation'])} onDismiss={edit.clear} />
    </Card>
  );
}

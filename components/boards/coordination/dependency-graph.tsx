'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import { itemsOf, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { humanize } from '../look';
import { btnCls, Card, Empty, ErrorNote, FieldError, IconButton, labelCls, linkBtnCls, primaryCls, selectCls, TextField } from '../ui';
import { priorityLook } from './projects';

type Project = BoardItem<'project'>;
type Dependency = BoardItem<'dependency'>;

export interface GraphNode {
  name: string;
  project: Project | null;
  /** Column (horizontal) or row (vertical): dependents first, what they depend on after. */
  layer: number;
  slot: number;
}

/**
 * A layered layout: a project's layer is one more than the deepest project depending on it, so
 * every arrow points forward (left → right, or top → bottom). Cycles are cut where they close.
 */
export function layoutGraph(projects: Project[], deps: Dependency[]): { nodes: GraphNode[]; layers: number; width: number } {
  const names = [...new Set([...projects.map((p) => p.data.name), ...deps.flatMap((d) => [d.data.from, d.data.to])])];
  const dependents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const d of deps) if (d.data.from !== d.data.to) dependents.get(d.data.to)!.push(d.data.from);
  const depth = new Map<string, number>();
  const visit = (name: string, path: Set<string>): number => {
    if (depth.has(name)) return depth.get(name)!;
    if (path.has(name)) return 0;
    path.add(name);
    const ups = dependents.get(name)!.map((from) => visit(from, path) + 1);
    path.delete(name);
    const d = ups.length ? Math.max(...ups) : 0;
    depth.set(name, d);
    return d;
  };
  names.forEach((n) => visit(n, new Set()));
  const rank = (n: string) => {
    const p = projects.find((x) => x.data.name === n);
    return p ? priorityLook[p.data.priority].rank : 9;
  };
  const byLayer = new Map<number, string[]>();
  for (const n of names) byLayer.set(depth.get(n)!, [...(byLayer.get(depth.get(n)!) ?? []), n]);
  const nodes: GraphNode[] = [];
  for (const [layer, list] of byLayer) {
    list.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    list.forEach((name, slot) => nodes.push({ name, project: projects.find((p) => p.data.name === name) ?? null, layer, slot }));
  }
  const layers = Math.max(0, ...nodes.map((n) => n.layer)) + 1;
  const width = Math.max(0, ...[...byLayer.values()].map((l) => l.length));
  return { nodes, layers, width };
}

function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setWidth(Math.round(e!.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The SVG: projects as boxes, dependencies as arrows labelled by type. Wide: layers left to right.
 * Narrow (a phone): one box per row, in layer order, with the arrows arcing down the right side.
 */
export function DependencyGraph({ projects, deps }: { projects: Project[]; deps: Dependency[] }) {
  const [ref, avail] = useWidth<HTMLDivElement>();
  const { nodes, layers, width } = layoutGraph(projects, deps);
  const stacked = avail > 0 && avail < 640;
  const pad = 12;
  const nodeH = 70;
  const gutter = 56;
  const nodeW = stacked ? Math.max(160, avail - 2 * pad - gutter) : 260;
  const colGap = 170;
  const rowGap = stacked ? 30 : 20;
  const order = [...nodes].sort((a, b) => a.layer - b.layer || a.slot - b.slot);
  const pos = new Map(
    nodes.map((n) => [
      n.name,
      stacked ? { x: pad, y: pad + order.indexOf(n) * (nodeH + rowGap) } : { x: pad + n.layer * (nodeW + colGap), y: pad + n.slot * (nodeH + rowGap) },
    ]),
  );
  const svgW = stacked ? 2 * pad + nodeW + gutter : 2 * pad + layers * nodeW + (layers - 1) * colGap;
  const svgH = stacked ? 2 * pad + nodes.length * nodeH + (nodes.length - 1) * rowGap : 2 * pad + width * nodeH + (width - 1) * rowGap;
  const titleChars = Math.floor((nodeW - 24) / 9.8);
  const subChars = Math.floor((nodeW - 24) / 7.4);
  const summary = deps.length
    ? deps.map((d) => `${d.data.from} depends on ${d.data.to}${d.data.type ? ` (${d.data.type})` : ''}`).join('; ')
    : 'No dependencies';

  return (
    <div ref={ref} className="overflow-x-auto" data-testid="dependency-graph" data-orientation={stacked ? 'stacked' : 'layered'}>
      {nodes.length > 0 && avail > 0 && (
        <svg
          width={svgW}
          height={svgH}
          viewBox={`0 0 ${svgW} ${svgH}`}
          role="img"
          aria-label={`Dependency graph: ${summary}`}
          className="mx-auto block max-w-none"
        >
          <defs>
            <marker id="dep-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="fill-slate-600 dark:fill-slate-300" />
            </marker>
          </defs>
          {deps.map((d) => {
            const a = pos.get(d.data.from);
            const b = pos.get(d.data.to);
            if (!a || !b || d.data.from === d.data.to) return null;
            let path: string;
            let lx: number;
            let ly: number;
            const label = d.data.type;
            const lw = label ? label.length * 7.6 + 16 : 0;
            if (stacked) {
              const [x, y1, y2] = [a.x + nodeW, a.y + nodeH / 2, b.y + nodeH / 2];
              const bulge = Math.min(gutter - 8, 24 + Math.abs(y2 - y1) / 12);
              path = `M ${x} ${y1} C ${x + bulge} ${y1}, ${x + bulge} ${y2}, ${x + 2} ${y2}`;
              lx = x - lw / 2 - 6;
              ly = (y1 + y2) / 2;
            } else {
              const [x1, y1, x2, y2] = [a.x + nodeW, a.y + nodeH / 2, b.x, b.y + nodeH / 2];
              const back = x2 <= x1;
              path = back
                ? `M ${x1} ${y1} C ${x1 + 80} ${y1 + 60}, ${x2 - 80} ${y2 + 60}, ${x2 - 2} ${y2}`
                : `M ${x1} ${y1} C ${(x1 + x2) / 2} ${y1}, ${(x1 + x2) / 2} ${y2}, ${x2 - 2} ${y2}`;
              lx = (x1 + x2) / 2;
              ly = (y1 + y2) / 2 + (back ? 45 : 0);
            }
            return (
              <g key={d.id} data-edge={`${d.data.from}->${d.data.to}`}>
                <title>{`${d.data.from} depends on ${d.data.to}${d.data.description ? `: ${d.data.description}` : ''}`}</title>
                <path d={path} fill="none" strokeWidth="2.5" markerEnd="url(#dep-arrow)" className="stroke-slate-600 dark:stroke-slate-300" />
                {label && (
                  <g>
                    <rect
                      x={lx - lw / 2}
                      y={ly - 12}
                      width={lw}
                      height={24}
                      rx={12}
                      className="fill-white stroke-slate-300 dark:fill-slate-900 dark:stroke-slate-600"
                    />
                    <text x={lx} y={ly + 4.5} textAnchor="middle" className="fill-slate-800 text-[13px] font-semibold dark:fill-slate-100">
                      {label}
                    </text>
                  </g>
                )}
              </g>
            );
          })}
          {nodes.map((n) => {
            const p = pos.get(n.name)!;
            const pr = n.project?.data.priority;
            const sub = n.project
              ? `${humanize(n.project.data.status)} · ${n.project.data.priority}${n.project.data.blockers ? ` · ${n.project.data.blockers} blocked` : ''}`
              : 'not in the grid';
            return (
              <g key={n.name} data-node={n.name} transform={`translate(${p.x} ${p.y})`}>
                <title>{n.name}</title>
                <rect
                  width={nodeW}
                  height={nodeH}
                  rx={10}
                  strokeWidth={pr ? 3 : 2}
                  strokeDasharray={n.project ? undefined : '6 4'}
                  className={`fill-white dark:fill-slate-900 ${pr ? priorityLook[pr].stroke : 'stroke-slate-400'}`}
                />
                <text x={12} y={28} className="fill-slate-900 text-[16px] font-bold dark:fill-white">
                  {clip(n.name, titleChars)}
                </text>
                <text x={12} y={52} className="fill-slate-600 text-[13px] dark:fill-slate-300">
                  {clip(sub, subChars)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </div>
  );
}

/** Dependencies between projects: the graph, the list (readable without the picture), add and remove. */
export function Dependencies({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const projects = itemsOf(board, 'project');
  const deps = itemsOf(board, 'dependency');
  const names = projects.map((p) => p.data.name);
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ from: '', to: '', type: '', description: '' });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const data = { from: form.from || names[0] || '', to: form.to || names[1] || '', type: form.type, description: form.description };
    if (await edit.add('dependency', data)) {
      setForm({ from: '', to: '', type: '', description: '' });
      setAdding(false);
    }
  };

  return (
    <Card
      id="dependencies"
      title="Dependencies"
      count={deps.length || undefined}
      action={
        editable && names.length >= 2 && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add dependency
          </button>
        ) : undefined
      }
    >
      {projects.length + deps.length > 0 ? <DependencyGraph projects={projects} deps={deps} /> : null}
      <ul data-testid="dependencies" className="mt-3 space-y-1.5">
        {deps.map((d) => (
          <li key={d.id} data-dependency={`${d.data.from}->${d.data.to}`} className="flex items-start gap-2 text-base">
            <span className="min-w-0 flex-1">
              <span className="font-semibold">{d.data.from}</span>
              <span aria-hidden className="mx-1.5 text-slate-500">
                →
              </span>
              <span className="sr-only"> depends on </span>
              <span className="font-semibold">{d.data.to}</span>
              {d.data.type && <span className="ml-2 text-sm text-slate-600 dark:text-slate-300">({d.data.type})</span>}
              {d.data.description && <span className="block text-sm text-slate-600 dark:text-slate-300">{d.data.description}</span>}
            </span>
            {editable && (
              <IconButton label={`Remove dependency ${d.data.from} → ${d.data.to}`} disabled={edit.busy} onClick={() => void edit.remove(d.id)}>
                ✕
              </IconButton>
            )}
          </li>
        ))}
      </ul>
      {deps.length === 0 && <Empty>No dependencies between projects.</Empty>}
      {editable && adding && names.length >= 2 && (
        <form onSubmit={(e) => void add(e)} aria-label="Add dependency" className="mt-3 grid gap-2 rounded-lg bg-slate-50 p-3 sm:grid-cols-2 dark:bg-slate-900">
          <div className="min-w-0">
            <label htmlFor="dep-from" className={labelCls}>
              Project
            </label>
            <select id="dep-from" value={form.from || names[0]} onChange={(e) => setForm({ ...form, from: e.target.value })} className={`${selectCls} w-full`}>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <FieldError id="dep-from-error" message={edit.errorFor('from')} />
          </div>
          <div className="min-w-0">
            <label htmlFor="dep-to" className={labelCls}>
              depends on
            </label>
            <select id="dep-to" value={form.to || names[1]} onChange={(e) => setForm({ ...form, to: e.target.value })} className={`${selectCls} w-full`}>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <FieldError id="dep-to-error" message={edit.errorFor('to')} />
          </div>
          <TextField
            id="dep-type"
            maxLength={itemMax('dependency', 'type')}
            label="Type"
            value={form.type}
            onChange={(v) => setForm({ ...form, type: v })}
            placeholder="api-dependency"
            error={edit.errorFor('type')}
          />
          <TextField
            id="dep-description"
            maxLength={itemMax('dependency', 'description')}
            label="Description"
            value={form.description}
            onChange={(v) => setForm({ ...form, description: v })}
            placeholder="optional"
            error={edit.errorFor('description')}
          />
          <div className="flex gap-2 sm:col-span-2">
            <button type="submit" className={primaryCls} disabled={edit.pending.has('add:dependency')}>
              Add dependency
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
      <ErrorNote message={edit.otherError(['from', 'to', 'type', 'description'])} onDismiss={edit.clear} />
    </Card>
  );
}

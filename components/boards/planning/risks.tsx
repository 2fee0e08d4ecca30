'use client';

import { useState, type FormEvent } from 'react';
import type { BoardItem } from '../../../lib/board-items';
import { itemsOf, useBoardEdit, useEditable, type BoardSectionProps, itemMax } from '../items';
import { btnCls, Card, Chip, Empty, ErrorNote, IconButton, labelCls, linkBtnCls, primaryCls, selectCls, TextField } from '../ui';

type Risk = BoardItem<'risk'>;
type Level = Risk['data']['likelihood'];
const LEVELS: Level[] = ['low', 'medium', 'high'];
const levelRank: Record<Level, number> = { low: 1, medium: 2, high: 3 };
const levelChip: Record<Level, string> = {
  high: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300',
  medium: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300',
  low: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
};
/** Exposure = likelihood × impact (1–9); the list leads with the worst. */
export const exposure = (r: Risk['data']) => levelRank[r.likelihood] * levelRank[r.impact];

/** Risks and their mitigations, highest exposure first; a risk with no mitigation says so. */
export function Risks({ board, onBoard, canEdit }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ title: '', likelihood: 'medium' as Level, impact: 'medium' as Level, mitigation: '' });
  const risks = itemsOf(board, 'risk').sort((a, b) => exposure(b.data) - exposure(a.data) || a.position - b.position);
  const unmitigated = risks.filter((r) => !r.data.mitigation).length;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await edit.add('risk', form)) {
      setForm({ title: '', likelihood: 'medium', impact: 'medium', mitigation: '' });
      setAdding(false);
    }
  };

  return (
    <Card
      id="risks"
      title="Risks"
      count={risks.length || undefined}
      action={
        editable && !adding ? (
          <button type="button" className={linkBtnCls} onClick={() => setAdding(true)}>
            + Add risk
          </button>
        ) : undefined
      }
    >
      {unmitigated > 0 && <p className="mb-2 text-sm font-semibold text-amber-800 dark:text-amber-300">{unmitigated} without a mitigation</p>}
      {editable && adding && (
        <form onSubmit={(e) => void add(e)} aria-label="Add risk" className="mb-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-900">
          <TextField
            id="risk-title"
            maxLength={itemMax('risk', 'title')}
            label="Risk"
            value={form.title}
            onChange={(v) => setForm({ ...form, title: v })}
            autoFocus
            error={edit.errorFor('title')}
          />
          <div className="flex flex-wrap gap-3">
            <label className={`${labelCls} flex items-center gap-2`}>
              Likelihood
              <select value={form.likelihood} onChange={(e) => setForm({ ...form, likelihood: e.target.value as Level })} className={selectCls}>
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <label className={`${labelCls} flex items-center gap-2`}>
              Impact
              <select value={form.impact} onChange={(e) => setForm({ ...form, impact: e.target.value as Level })} className={selectCls}>
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <TextField
            id="risk-mitigation"
            maxLength={itemMax('risk', 'mitigation')}
            label="Mitigation"
            rows={2}
            value={form.mitigation}
            onChange={(v) => setForm({ ...form, mitigation: v })}
            error={edit.errorFor('mitigation')}
          />
          <div className="flex gap-2">
            <button type="submit" className={primaryCls} disabled={edit.pending.has('add:risk')}>
              {edit.pending.has('add:risk') ? 'Adding…' : 'Add risk'}
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
      <ul data-testid="risks" className="space-y-2">
        {risks.map((r) => (
          <li key={r.id} data-item={r.id} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
            <div className="flex flex-wrap items-start gap-2">
              <p className="min-w-0 flex-1 basis-48 text-base font-semibold leading-snug">{r.data.title}</p>
              <Chip className={levelChip[r.data.likelihood]} title="Likelihood">
                {r.data.likelihood} likelihood
              </Chip>
              <Chip className={levelChip[r.data.impact]} title="Impact">
                {r.data.impact} impact
              </Chip>
              {editable && (
                <IconButton label={`Remove "${r.data.title}"`} disabled={edit.busy} onClick={() => void edit.remove(r.id)}>
                  ✕
                </IconButton>
              )}
            </div>
            <p className={`mt-1 text-sm ${r.data.mitigation ? 'text-slate-700 dark:text-slate-200' : 'font-medium text-amber-800 dark:text-amber-300'}`}>
              {r.data.mitigation ? (
                <>
                  <span className="font-semibold">Mitigation: </span>
                  {r.data.mitigation}
                </>
              ) : (
                'No mitigation yet'
              )}
            </p>
          </li>
        ))}
      </ul>
      {risks.length === 0 && <Empty>No risks recorded.</Empty>}
      <ErrorNote message={adding ? edit.otherError(['title', 'mitigation']) : (edit.error?.message ?? null)} onDismiss={edit.clear} />
    </Card>
  );
}

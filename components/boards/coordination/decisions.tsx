'use client';

import { useState, type FormEvent } from 'react';
import { sessionsApi } from '../api';
import { useBoardEdit, useEditable, type BoardSectionProps } from '../items';
import { absolute, ago } from '../look';
import { btnCls, Card, Empty, ErrorNote, TextField } from '../ui';

/** Decisions captured during the meeting, newest first, with a one-line quick-add for members. */
export function MeetingDecisions({ board, onBoard, canEdit, now = Date.now() }: BoardSectionProps) {
  const editable = useEditable(canEdit);
  const edit = useBoardEdit(board, onBoard);
  const [form, setForm] = useState({ topic: '', decision: '' });
  const decisions = [...board.decisions].reverse();

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await edit.run('add', () =>
      sessionsApi.addDecision(board.id, { topic: form.topic, decision: form.decision, rationale: null, alternatives: [] }),
    );
    if (ok) setForm({ topic: '', decision: '' });
  };

  return (
    <Card id="decisions" title="Decisions" count={board.decisions.length || undefined}>
      {editable && (
        <form onSubmit={(e) => void add(e)} aria-label="Capture decision" className="mb-3 grid gap-2 sm:grid-cols-[minmax(0,12rem)_1fr_auto]">
          <TextField
            id="decision-topic"
            label="Topic"
            hideLabel
            value={form.topic}
            onChange={(v) => setForm({ ...form, topic: v })}
            placeholder="Topic"
            error={edit.errorFor('topic')}
          />
          <TextField
            id="decision-text"
            label="Decision"
            hideLabel
            value={form.decision}
            onChange={(v) => setForm({ ...form, decision: v })}
            placeholder="What was decided?"
            error={edit.errorFor('decision')}
          />
          <button type="submit" className={`${btnCls} self-start`} disabled={edit.pending.has('add')}>
            {edit.pending.has('add') ? 'Capturing…' : 'Capture'}
          </button>
        </form>
      )}
      <ErrorNote message={edit.otherError(['topic', 'decision'])} onDismiss={edit.clear} />
      <ul data-testid="decisions" className="space-y-3">
        {decisions.map((d) => (
          <li key={d.id} data-decision={d.id} className="border-l-4 border-accent-500 pl-3">
            <p className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{d.topic}</p>
            <p className="text-base font-semibold leading-snug">{d.decision}</p>
            {d.rationale && <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-300">{d.rationale}</p>}
            <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
              <time dateTime={d.decidedAt} title={absolute(d.decidedAt)}>
                {ago(d.decidedAt, now)}
              </time>
              {d.decidedBy && ` · ${d.decidedBy}`}
            </p>
          </li>
        ))}
      </ul>
      {decisions.length === 0 && <Empty>No decisions captured yet.</Empty>}
    </Card>
  );
}

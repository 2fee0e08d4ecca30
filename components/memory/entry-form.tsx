'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../lib/errors';
import { fromZodError } from '../../lib/errors';
import { sentence } from '../../lib/validation-messages';
import { storeInputSchema } from '../../lib/memory-schema';
import type { MemoryEntry, StoreResult } from '../../lib/memory-types';
import { useConnection } from '../realtime/connection';
import { prettyValue } from './value-diff';
import { storeEntry } from './writes';

interface Props {
  /** Editing an existing entry (namespace and key fixed, saved with ifVersion), or creating one. */
  entry?: MemoryEntry;
  defaultNamespace: string;
  onSaved: (result: StoreResult) => void;
  onCancel: () => void;
}

const field =
  'mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-accent-500 focus:outline-2 focus:outline-accent-500 dark:border-slate-700 dark:bg-slate-900';

/** Why text that starts like JSON (an object, array or string) does not parse; null when it parses or is plain text. */
function brokenJson(text: string): string | null {
  const first = text.trimStart()[0];
  if (first === undefined || !'{["'.includes(first)) return null;
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return (e as Error).message.replace(/^JSON\.parse: /, '');
  }
}

export function EntryForm({ entry, defaultNamespace, onSaved, onCancel }: Props) {
  const { socket } = useConnection();
  const [namespace, setNamespace] = useState(entry?.namespace ?? defaultNamespace);
  const [key, setKey] = useState(entry?.key ?? '');
  const [value, setValue] = useState(entry ? prettyValue(entry.raw) : '');
  const [ttl, setTtl] = useState('');
  // The version this edit started from: a newer one arriving meanwhile must be a conflict, not a silent base.
  const [baseVersion] = useState(entry?.version);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement | HTMLTextAreaElement>(null);

  useEffect(() => first.current?.focus(), []);

  const submit = async (e: FormEvent, overwrite = false) => {
    e.preventDefault();
    const input = {
      namespace,
      key,
      value,
      ttl: ttl.trim() === '' ? null : Number(ttl),
      ifVersion: entry && !overwrite ? baseVersion : undefined,
    };
    // Same schema as the server: most mistakes are caught before a round trip.
    const parsed = storeInputSchema.safeParse(input);
    if (!parsed.success) return setError(fromZodError(parsed.error).toJSON());
    setSaving(true);
    const ack = await storeEntry(socket, input);
    setSaving(false);
    if (ack.ok) onSaved(ack.data);
    else setError(ack.error);
  };

  const formatJson = () => {
    try {
      setValue(JSON.stringify(JSON.parse(value), null, 2));
      setError(null);
    } catch {
      setError({ code: 'invalid_input', field: 'value', message: 'value: not valid JSON (it can still be stored as text)' });
    }
  };

  // Text that looks like JSON but does not parse is stored as text: say so before saving, not after.
  const notJson = brokenJson(value);

  const errorFor = (name: string) =>
    error?.field === name ? (
      <p id={`${name}-error`} role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
        {sentence(error.message, error.field)}
      </p>
    ) : null;

  return (
    <form
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      className="space-y-4"
      aria-label={entry ? 'Edit entry' : 'New entry'}
      noValidate
    >
      <h2 className="text-lg font-semibold">{entry ? 'Edit entry' : 'New entry'}</h2>
      {!entry && (
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block text-sm font-medium">
            Namespace
            <input
              name="namespace"
              className={`${field} font-mono`}
              value={namespace}
              onChange={(e) => setNamespace(e.target.value)}
              aria-invalid={error?.field === 'namespace'}
              aria-describedby="namespace-error"
            />
            {errorFor('namespace')}
          </label>
          <label className="block text-sm font-medium">
            Key
            <input
              name="key"
              ref={first as React.RefObject<HTMLInputElement>}
              className={`${field} font-mono`}
              value={key}
              onChange={(e) => setKey(e.target.value)}
              placeholder="session/dev-1/state"
              aria-invalid={error?.field === 'key'}
              aria-describedby="key-error"
            />
            {errorFor('key')}
          </label>
        </div>
      )}
      {entry && (
        <p className="font-mono text-sm text-slate-600 dark:text-slate-400">
          {entry.namespace} › {entry.key} <span className="text-slate-400">(saving over version {baseVersion})</span>
        </p>
      )}
      <label className="block text-sm font-medium">
        <span className="flex items-center justify-between">
          Value <span className="font-normal text-slate-500">JSON or text</span>
        </span>
        <textarea
          name="value"
          ref={entry ? (first as React.RefObject<HTMLTextAreaElement>) : undefined}
          className={`${field} h-56 font-mono text-xs`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          spellCheck={false}
          aria-invalid={error?.field === 'value'}
          aria-describedby="value-error value-hint"
        />
        {notJson && error?.field !== 'value' && (
          <p id="value-hint" data-testid="json-hint" className="mt-1 text-sm font-normal text-amber-700 dark:text-amber-400">
            Will be stored as text (not valid JSON: {notJson})
          </p>
        )}
        {errorFor('value')}
      </label>
      <label className="block text-sm font-medium sm:w-64">
        TTL in seconds <span className="font-normal text-slate-500">(empty: never expires)</span>
        <input
          name="ttl"
          inputMode="decimal"
          className={field}
          value={ttl}
          onChange={(e) => setTtl(e.target.value)}
          placeholder={entry?.expiresAt ? 'replaces the current expiry' : '86400'}
          aria-invalid={error?.field === 'ttl'}
          aria-describedby="ttl-error"
        />
        {errorFor('ttl')}
      </label>
      {error && !['namespace', 'key', 'value', 'ttl'].includes(error.field ?? '') && (
        <div
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          {error.code === 'version_conflict'
            ? `Someone else saved version ${error.currentVersion} while you were editing.`
            : sentence(error.message, error.field)}
          {error.code === 'version_conflict' && (
            <button type="button" onClick={(e) => void submit(e, true)} className="ml-2 font-semibold underline">
              Overwrite theirs
            </button>
          )}
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={saving}
          className="rounded-md bg-accent-600 px-4 py-2 text-sm font-semibold text-white hover:bg-accent-500 disabled:opacity-60"
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          onClick={formatJson}
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
        >
          Format JSON
        </button>
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md px-4 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-900"
        >
          Cancel <kbd className="ml-1 text-xs text-slate-400">Esc</kbd>
        </button>
      </div>
    </form>
  );
}

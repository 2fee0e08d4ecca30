'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TokenAccess, TokenScope } from '../../lib/access';
import type { ApiError } from '../../lib/errors';
import { api, apiError, toDate } from '../auth/api';
import { useApiList } from './use-api-list';
import { useFocusInvalid } from '../auth/account-fields';
import type { Me } from '../auth/me';
import {
  Badge,
  CopyBox,
  dangerButton,
  FieldError,
  FormError,
  inputBase,
  inputClass,
  invalid,
  primaryButton,
  rowClass,
  secondaryButton,
  Section,
  Spinner,
  tableClass,
  tdClass,
  thClass,
  When,
} from '../auth/ui';
import { useNow } from '../ui/use-now';
import { useConfirm } from '../ui/confirm';

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface CreatedToken {
  id: string;
  token: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  expiresAt: string | null;
}

const accessTone = { read: 'slate', write: 'green', admin: 'accent' } as const;

function ScopeChips({ scopes }: { scopes: TokenScope[] }) {
  return (
    <ul className="flex flex-wrap gap-1">
      {scopes.map((s, i) => (
        <li key={i}>
          <Badge tone={accessTone[s.access]}>
            {s.access}
            <span className="ml-1 font-mono font-normal">{s.namespaces}</span>
          </Badge>
        </li>
      ))}
    </ul>
  );
}

/** Shown once, right after creation: the secret and how to use it. */
function NewToken({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  const mcp = `claude mcp add --transport http baton ${origin}/mcp --header "Authorization: Bearer ${created.token}"`;
  const cli = `BATON_URL=${origin} BATON_TOKEN=${created.token} npx baton memory list`;
  return (
    <div
      ref={box}
      tabIndex={-1}
      role="region"
      aria-label="New API token"
      data-testid="new-token"
      className="space-y-3 rounded-lg border border-emerald-400 bg-emerald-50 p-4 outline-none dark:border-emerald-700 dark:bg-emerald-950/40"
    >
      <div>
        <h3 className="font-semibold text-emerald-900 dark:text-emerald-200">Token “{created.name}” created</h3>
        <p className="mt-1 text-sm font-medium text-amber-800 dark:text-amber-300" role="note">
          Copy it now: you will not see this token again. Baton keeps only a hash of it.
        </p>
      </div>
      <CopyBox value={created.token} label="API token" testId="new-token-value" />
      <div className="space-y-1">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Add Baton to Claude Code (MCP)</p>
        <CopyBox value={mcp} label="MCP command" testId="new-token-mcp" multiline />
      </div>
      <div className="space-y-1">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Use it from the command line</p>
        <CopyBox value={cli} label="CLI command" testId="new-token-cli" multiline />
      </div>
      <button type="button" onClick={onDone} className={secondaryButton}>
        I have copied it
      </button>
    </div>
  );
}

/** A new token's lifetime unless someone deliberately picks "Never expires". */
const DEFAULT_TOKEN_DAYS = '90';

interface ScopeDraft {
  access: TokenAccess;
  namespaces: string;
}

function CreateTokenForm({ isAdmin, onCreated }: { isAdmin: boolean; onCreated: (t: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ScopeDraft[]>([{ access: 'write', namespaces: '*' }]);
  // 90 days unless someone deliberately chooses a token that never expires.
  const [days, setDays] = useState(DEFAULT_TOKEN_DAYS);
  const [never, setNever] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let expiresInDays: number | null = null;
    if (!never) {
      const n = Number(days);
      if (days.trim() === '' || !Number.isInteger(n) || n < 1 || n > 3650) {
        return setError({
          code: 'invalid_input',
          field: 'expiresInDays',
          message: 'expiresInDays: must be a whole number of days from 1 to 3650 (or tick “Never expires”)',
        });
      }
      expiresInDays = n;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api<CreatedToken>('/api/v1/tokens', {
        method: 'POST',
        body: { name, scopes: scopes.map((s) => ({ access: s.access, namespaces: s.namespaces.trim() })), expiresInDays },
      });
      setName('');
      setScopes([{ access: 'write', namespaces: '*' }]);
      setDays(DEFAULT_TOKEN_DAYS);
      setNever(false);
      onCreated(created);
    } catch (err) {
      setError(apiError(err));
    } finally {
      setBusy(false);
    }
  };

  const setScope = (i: number, patch: Partial<ScopeDraft>) => setScopes(scopes.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const scopeError = (i: number, part: 'access' | 'namespaces') => error?.field === `scopes.${i}.${part}`;

  return (
    <form
      ref={form}
      onSubmit={(e) => void submit(e)}
      aria-label="Create API token"
      noValidate
      data-testid="token-form"
      className="space-y-4 rounded-lg border border-slate-200 bg-slate-50/60 p-4 dark:border-slate-800 dark:bg-slate-900/40"
    >
      <h3 className="text-sm font-semibold">New token</h3>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <label className="block text-sm font-medium">
          Name <span className="font-normal text-slate-500">(who uses it, e.g. “claude on laptop”)</span>
          <input
            name="name"
            maxLength={80}
            className={inputClass}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={invalid(error, 'name')}
            aria-describedby="token-name-error"
          />
          <FieldError error={error} field="name" id="token-name-error" />
        </label>
        <div className="text-sm font-medium">
          <label className="block">
            Expires after <span className="font-normal text-slate-500">(days)</span>
            <input
              name="expiresInDays"
              type="number"
              min={1}
              max={3650}
              step={1}
              inputMode="numeric"
              className={inputClass}
              value={never ? '' : days}
              placeholder={never ? 'never' : undefined}
              disabled={never}
              onChange={(e) => setDays(e.target.value)}
              aria-invalid={invalid(error, 'expiresInDays')}
              aria-describedby="token-days-error"
            />
          </label>
          <label className="mt-1.5 flex items-center gap-2 font-normal text-slate-600 dark:text-slate-300">
            <input type="checkbox" name="neverExpires" checked={never} onChange={(e) => setNever(e.target.checked)} className="h-4 w-4 accent-rose-600" />
            Never expires
          </label>
          <FieldError error={error} field="expiresInDays" id="token-days-error" />
        </div>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">
          Scopes{' '}
          <span className="font-normal text-slate-500">
            — what the token may do, per namespace pattern (<code className="font-mono">session-management</code>, <code className="font-mono">team-*</code>,{' '}
            <code className="font-mono">*</code>)
          </span>
        </legend>
        {scopes.map((s, i) => (
          <div key={i} className="flex flex-wrap items-start gap-2" data-testid="scope-row">
            <label className="text-sm">
              <span className="sr-only">Access for scope {i + 1}</span>
              <select
                value={s.access}
                onChange={(e) => setScope(i, { access: e.target.value as TokenAccess })}
                className={`${inputBase} w-32`}
                aria-invalid={scopeError(i, 'access')}
              >
                <option value="read">read</option>
                <option value="write">write</option>
                {(isAdmin || s.access === 'admin') && <option value="admin">admin</option>}
              </select>
            </label>
            <label className="min-w-[12rem] flex-1 text-sm">
              <span className="sr-only">Namespace pattern for scope {i + 1}</span>
              <input
                value={s.namespaces}
                onChange={(e) => setScope(i, { namespaces: e.target.value })}
                placeholder="session-management, team-*, *"
                className={`${inputBase} w-full font-mono`}
                aria-invalid={scopeError(i, 'namespaces')}
                aria-describedby={`scope-${i}-error`}
              />
              {error?.field?.startsWith(`scopes.${i}.`) && <FieldError error={error} field={`scopes.${i}`} id={`scope-${i}-error`} />}
            </label>
            {scopes.length > 1 && (
              <button
                type="button"
                onClick={() => setScopes(scopes.filter((_, j) => j !== i))}
                className={`${secondaryButton} py-2`}
                aria-label={`Remove scope ${i + 1}`}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        {error?.field === 'scopes' && <FieldError error={error} field="scopes" id="scopes-error" />}
        {scopes.length < 20 && (
          <button
            type="button"
            onClick={() => setScopes([...scopes, { access: 'read', namespaces: '' }])}
            className="text-sm font-medium text-accent-600 hover:underline dark:text-accent-500"
          >
            + Add a scope
          </button>
        )}
        {!isAdmin && <p className="text-xs text-slate-500">Only admins can grant admin access.</p>}
      </fieldset>
      <FormError error={error} fields={['name', 'expiresInDays', 'scopes']} />
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? 'Creating…' : 'Create token'}
      </button>
    </form>
  );
}

function tokenStatus(t: TokenRow, now: number): { label: string; tone: 'green' | 'slate' | 'amber' | 'rose' } {
  if (t.revokedAt) return { label: 'revoked', tone: 'rose' };
  const exp = toDate(t.expiresAt);
  if (exp && exp.getTime() <= now) return { label: 'expired', tone: 'slate' };
  return { label: 'active', tone: 'green' };
}

/** API tokens: for agents and scripts; an admin sees everyone's. */
export function TokensSection({ me, userNames }: { me: Me; userNames: Map<string, string> }) {
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  const now = useNow(30_000);

  const { items: tokens, loadError: error, reload: load } = useApiList<TokenRow>('/api/v1/tokens');

  const revoke = async (t: TokenRow) => {
    const ok = await confirm({
      title: `Revoke the token “${t.name}”?`,
      body: `${t.prefix}… — anything using it loses access at once. This can't be undone.`,
      confirm: 'Revoke token',
      danger: true,
    });
    if (!ok) return;
    setRowError(null);
    try {
      await api(`/api/v1/tokens/${encodeURIComponent(t.id)}`, { method: 'DELETE' });
      await load();
    } catch (err) {
      setRowError({ id: t.id, message: apiError(err).message });
    }
  };

  const isAdmin = me.role === 'admin';
  return (
    <Section
      id="tokens"
      title="API tokens"
      description={
        <>
          Agents, scripts and the CLI sign in with a token (<code className="font-mono">Authorization: Bearer …</code>). Give each one only the namespaces it
          needs.
          {isAdmin && ' As an admin you see everyone’s tokens.'}
        </>
      }
    >
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      <CreateTokenForm
        isAdmin={isAdmin}
        onCreated={(t) => {
          setCreated(t);
          void load();
        }}
      />
      {error && (
        <p role="alert" className="text-sm text-rose-600 dark:text-rose-400">
          Could not load tokens: {error}
        </p>
      )}
      {!tokens && !error && <Spinner label="Loading tokens…" />}
      {tokens && tokens.length === 0 && (
        <p className="text-sm text-slate-500" data-testid="tokens-empty">
          No tokens yet. Create one above for each agent or script.
        </p>
      )}
      {tokens && tokens.length > 0 && (
        <div className="relative overflow-x-auto">
          <table className={tableClass} data-testid="tokens">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={thClass}>
                  Token
                </th>
                <th scope="col" className={thClass}>
                  Scopes
                </th>
                {isAdmin && (
                  <th scope="col" className={thClass}>
                    Owner
                  </th>
                )}
                <th scope="col" className={thClass}>
                  Created
                </th>
                <th scope="col" className={thClass}>
                  Last used
                </th>
                <th scope="col" className={thClass}>
                  Expires
                </th>
                <th scope="col" className={thClass}>
                  Status
                </th>
                <th scope="col" className={thClass}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const status = tokenStatus(t, now);
                return (
                  <tr
                    key={t.id}
                    className={`${rowClass} ${status.label !== 'active' ? 'text-slate-500' : ''}`}
                    data-testid="token-row"
                    data-status={status.label}
                  >
                    <td className={`${tdClass} font-medium`}>{t.name}</td>
                    <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>{t.prefix}…</td>
                    <td className={tdClass}>
                      <ScopeChips scopes={t.scopes} />
                    </td>
                    {isAdmin && <td className={tdClass}>{t.createdBy === me.id ? 'you' : (userNames.get(t.createdBy) ?? t.createdBy.slice(0, 8))}</td>}
                    <td className={tdClass}>
                      <When at={toDate(t.createdAt)} now={now} />
                    </td>
                    <td className={tdClass}>
                      <When at={toDate(t.lastUsedAt)} now={now} empty="never" />
                    </td>
                    <td className={tdClass}>
                      <When at={toDate(t.expiresAt)} now={now} empty="never" />
                    </td>
                    <td className={tdClass}>
                      <Badge tone={status.tone}>{status.label}</Badge>
                      {t.revokedAt && (
                        <div className="mt-0.5 text-xs">
                          <When at={toDate(t.revokedAt)} now={now} />
                        </div>
                      )}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      {status.label === 'active' && (
                        <button type="button" onClick={() => void revoke(t)} className={`${dangerButton} py-1 text-xs`} aria-label={`Revoke token ${t.name}`}>
                          Revoke
                        </button>
                      )}
                      {rowError?.id === t.id && (
                        <p role="alert" className="mt-1 text-xs text-rose-600 dark:text-rose-400">
                          {rowError.message}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {confirmDialog}
    </Section>
  );
}

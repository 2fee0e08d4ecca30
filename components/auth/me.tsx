'use client';

import { usePathname } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Role } from '../../lib/access';
import { api } from './api';

export interface Me {
  kind: 'user';
  id: string;
  name: string;
  email: string;
  role: Role;
}

type MeState =
  /** Not asked yet, or the answer is on its way. */
  | { status: 'loading' }
  | { status: 'signed-in'; me: Me }
  /** No session (401), or a caller that is not a user account. */
  | { status: 'signed-out' }
  | { status: 'error'; message: string };

interface MeContextValue {
  state: MeState;
  me: Me | null;
  /** The signed-in user's role; null while loading or when signed out. */
  role: Role | null;
  reload: () => void;
}

const MeContext = createContext<MeContextValue>({ state: { status: 'loading' }, me: null, role: null, reload: () => {} });

/** Pages for getting an account or signing in: no user there, so nothing to ask /api/v1/me. */
export function isAuthPage(pathname: string | null): boolean {
  return !!pathname && /^\/(sign-in|setup|invite)(\/|$)/.test(pathname);
}

/** Asks the server once who is signed in, and shares the answer (name, role) with the whole page. */
export function MeProvider({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const skip = isAuthPage(pathname);
  const [state, setState] = useState<MeState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (skip) return;
    let live = true;
    api<{ principal: { kind: string } & Partial<Me> }>('/api/v1/me')
      .then(({ principal }) => {
        if (!live) return;
        setState(principal.kind === 'user' ? { status: 'signed-in', me: principal as Me } : { status: 'signed-out' });
      })
      .catch((err: { status?: number; message?: string }) => {
        if (!live) return;
        // 401 is the ordinary answer for a visitor without a session: nothing to report.
        setState(err.status === 401 ? { status: 'signed-out' } : { status: 'error', message: err.message ?? 'failed' });
      });
    return () => {
      live = false;
    };
  }, [skip, attempt]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  const me = state.status === 'signed-in' ? state.me : null;
  return <MeContext.Provider value={{ state, me, role: me?.role ?? null, reload }}>{children}</MeContext.Provider>;
}

export function useMe(): MeContextValue {
  return useContext(MeContext);
}

/** Whether the signed-in user may change memory (members and admins); false until that is known. */
export function useCanWrite(): boolean {
  const { role } = useMe();
  return role === 'admin' || role === 'member';
}

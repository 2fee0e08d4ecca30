'use client';

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

/** A command a page offers in the palette while it is open (e.g. the meeting screen's "Next item"). */
export interface PaletteCommand {
  id: string;
  label: string;
  /** Heading it is listed under, e.g. "Meeting". */
  group: string;
  /** Shown on the right: the page's own shortcut for it. */
  shortcut?: string;
  keywords?: string[];
  run: () => void;
}

interface Registry {
  commands: PaletteCommand[];
  set: (owner: string, commands: PaletteCommand[] | null) => void;
}

const RegistryContext = createContext<Registry>({ commands: [], set: () => {} });

export function PaletteRegistryProvider({ children }: { children: ReactNode }) {
  const [byOwner, setByOwner] = useState<Record<string, PaletteCommand[]>>({});
  const set = useRef((owner: string, commands: PaletteCommand[] | null) =>
    setByOwner((prev) => {
      const next = { ...prev };
      if (commands) next[owner] = commands;
      else delete next[owner];
      return next;
    }),
  ).current;
  return <RegistryContext.Provider value={{ commands: Object.values(byOwner).flat(), set }}>{children}</RegistryContext.Provider>;
}

export function usePaletteRegistry(): Registry {
  return useContext(RegistryContext);
}

/**
 * Offers `commands` in the palette while the calling component is mounted. `run` may close over
 * fresh state: the latest one is called. Re-registers only when the list of ids or labels changes.
 */
export function usePaletteCommands(owner: string, commands: PaletteCommand[]) {
  const { set } = useContext(RegistryContext);
  const latest = useRef(commands);
  latest.current = commands;
  const key = commands.map((c) => `${c.id}\u0000${c.label}\u0000${c.shortcut ?? ''}`).join('\u0001');
  useEffect(() => {
    set(
      owner,
      latest.current.map((c) => ({ ...c, run: () => latest.current.find((x) => x.id === c.id)?.run() })),
    );
  }, [owner, key, set]);
  useEffect(() => () => set(owner, null), [owner, set]);
}

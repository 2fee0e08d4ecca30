import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { HeaderControls, HeaderLinks } from '../components/auth/header';
import { MeProvider } from '../components/auth/me';
import { CommandPalette } from '../components/palette/command-palette';
import { PaletteRegistryProvider } from '../components/palette/registry';
import { ConnectionProvider } from '../components/realtime/connection';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Baton', template: '%s · Baton' },
  description: 'Keep work alive across sessions and between teammates, human or AI agent.',
};

// Applies the saved theme (or the system's) before first paint, so dark mode never flashes light.
const themeScript = `(() => { try {
  const saved = localStorage.getItem('baton-theme');
  const dark = saved ? saved === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.classList.toggle('dark', dark);
} catch {} })();`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen bg-white text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <ConnectionProvider>
          <MeProvider>
            <a
              href="#main"
              className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-accent-600 focus:px-3 focus:py-2 focus:text-white"
            >
              Skip to content
            </a>
            <header className="relative z-30 border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80">
              <nav className="mx-auto flex h-14 max-w-[100rem] items-center gap-4 px-4 sm:gap-6" aria-label="Main">
                <Link href="/" prefetch={false} className="flex items-center gap-2 text-lg font-semibold tracking-tight">
                  <span aria-hidden className="inline-block h-5 w-1.5 -skew-x-12 rounded-sm bg-accent-500" />
                  Baton
                </Link>
                <HeaderLinks />
                <HeaderControls />
              </nav>
            </header>
            <main id="main">
              {/* Pages offer their own commands to the palette (Ctrl/Cmd+K) through the registry. */}
              <PaletteRegistryProvider>
                {children}
                <CommandPalette />
              </PaletteRegistryProvider>
            </main>
          </MeProvider>
        </ConnectionProvider>
      </body>
    </html>
  );
}

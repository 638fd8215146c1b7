import type { ReactNode } from 'react';
import { isOnlinePage } from '../online-path';
import { Link, useLocation } from '../router';

const NAV = [
  { href: '/', label: 'Play here', matches: (path: string) => path === '/' },
  { href: '/online', label: 'Play online', matches: isOnlinePage },
];

export function Layout({ children, account }: { children: ReactNode; account?: ReactNode }) {
  const { pathname } = useLocation();
  return (
    <div className="mx-auto flex min-h-dvh max-w-3xl flex-col px-4 pb-10">
      <a
        href="#main"
        className="sr-only rounded bg-indigo-600 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2"
      >
        Skip to content
      </a>
      <header className="flex flex-wrap items-center justify-between gap-3 py-4">
        <Link
          href="/"
          className="rounded text-xl font-bold tracking-tight focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-indigo-500"
        >
          <span className="text-blue-600 dark:text-blue-400">Tic</span>-
          <span className="text-red-600 dark:text-red-400">tac</span>-toe
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          {NAV.map((item) => {
            const current = item.matches(pathname);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={current ? 'page' : undefined}
                className={`rounded-lg px-3 py-2 text-sm font-medium focus-visible:outline-none focus-visible:ring-4 focus-visible:ring-indigo-500 ${
                  current
                    ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900'
                    : 'text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800'
                }`}
              >
                {item.label}
              </Link>
            );
          })}
          {account}
        </nav>
      </header>
      <main id="main" className="flex flex-1 flex-col">
        {children}
      </main>
    </div>
  );
}

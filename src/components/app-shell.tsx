import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import type { ReactNode } from 'react'
import { metaQueryOptions } from '../api/meta'
import { ThemeToggle } from './theme-toggle'
import { Badge } from './ui/badge'

const NAV = [
  { to: '/machines', label: 'Machines' },
  { to: '/events', label: 'Events' },
  { to: '/availability', label: 'Availability' },
] as const

export function AppShell({ children }: { children: ReactNode }) {
  const meta = useQuery(metaQueryOptions())
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80">
        <div className="mx-auto flex h-14 max-w-screen-2xl items-center gap-6 px-4">
          <Link to="/machines" className="flex items-center gap-2 font-semibold">
            <img src="/favicon.svg" alt="" width={24} height={24} />
            Paperspace Fleet
          </Link>
          <nav aria-label="Main">
            <ul className="flex items-center gap-1">
              {NAV.map((item) => (
                <li key={item.to}>
                  <Link
                    to={item.to}
                    className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
                    activeProps={{
                      className: 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white',
                      'aria-current': 'page',
                    }}
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            {meta.data?.mode === 'demo' ? (
              <Badge tone="violet">
                <span title="The server runs an embedded simulator: no real machines are touched.">Demo data</span>
              </Badge>
            ) : null}
            <ThemeToggle />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-screen-2xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  )
}

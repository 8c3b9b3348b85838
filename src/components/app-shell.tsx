import { useQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { type ReactNode, useRef, useState } from 'react'
import { accountQueryOptions } from '../api/account'
import { metaQueryOptions, needsSignIn, setSignedIn } from '../api/meta'
import { resetForSession, signOut } from '../api/session'
import { identityLabel } from '../lib/identity'
import { ConnectionBanner } from './connection-banner'
import { ThemeToggle } from './theme-toggle'
import { Badge } from './ui/badge'
import { Button } from './ui/button'
import { toast } from './ui/toast-store'

const NAV = [
  { to: '/machines', label: 'Machines' },
  { to: '/events', label: 'Events' },
  { to: '/availability', label: 'Availability' },
  { to: '/audit', label: 'Audit' },
] as const

/** Who is signed in and the team, linking to the Account page; truncated on narrow screens, whole on hover. */
function Identity() {
  const { data } = useQuery(accountQueryOptions())
  const label = data && identityLabel(data)
  return label ? (
    <Link
      to="/account"
      title={label}
      aria-label={`Account: ${label}`}
      className="min-w-0 max-w-64 truncate text-sm font-medium hover:underline"
    >
      {label}
    </Link>
  ) : null
}

/** Ends the session (signin mode): the cookie goes, and so does every answer fetched under it. */
function SignOutButton() {
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [pending, setPending] = useState(false)
  const inFlight = useRef(false)

  const onClick = async () => {
    if (inFlight.current) return
    inFlight.current = true
    setPending(true)
    try {
      await signOut()
      setSignedIn(queryClient, false)
      await navigate({ to: '/sign-in', replace: true })
      resetForSession(queryClient, false)
    } catch (error) {
      toast('Could not sign out', {
        description: error instanceof Error ? error.message : 'Try again.',
        tone: 'error',
      })
    } finally {
      inFlight.current = false
      setPending(false)
    }
  }

  return (
    <Button size="sm" variant="ghost" pending={pending} onClick={() => void onClick()}>
      {pending ? 'Signing out…' : 'Sign out'}
    </Button>
  )
}

export function AppShell({ children }: { children: ReactNode }) {
  const meta = useQuery(metaQueryOptions())
  const signInMode = meta.data?.mode === 'signin'
  const signedOut = needsSignIn(meta.data)
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
          {signedOut ? null : (
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
          )}
          <div className="ml-auto flex min-w-0 items-center gap-3">
            {meta.data?.mode === 'demo' ? (
              <Badge tone="violet">
                <span title="The server runs an embedded simulator: no real machines are touched.">Demo data</span>
              </Badge>
            ) : null}
            {meta.data && !signedOut ? <Identity /> : null}
            <ThemeToggle />
            {signInMode && !signedOut ? <SignOutButton /> : null}
          </div>
        </div>
      </header>
      <ConnectionBanner />
      <main id="main" className="mx-auto w-full max-w-screen-2xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  )
}

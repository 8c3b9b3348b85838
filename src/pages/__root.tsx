import { createRootRouteWithContext, Outlet, redirect } from '@tanstack/react-router'
import { metaQueryOptions, needsSignIn } from '../api/meta'
import { AppShell } from '../components/app-shell'
import { Toaster } from '../components/ui/toaster'
import type { RouterContext } from '../router'

export const Route = createRootRouteWithContext<RouterContext>()({
  // In signin mode without a session, every page but the sign-in page sends the person there first (and back
  // afterwards), so no page loads only to be refused. A server that cannot say leaves the pages to show the error.
  beforeLoad: async ({ context, location }) => {
    if (location.pathname === '/sign-in' || location.pathname.startsWith('/sign-in/')) return
    const meta = await context.queryClient.ensureQueryData(metaQueryOptions()).catch(() => undefined)
    if (needsSignIn(meta)) throw redirect({ to: '/sign-in', search: { redirect: location.href }, replace: true })
  },
  component: RootLayout,
})

function RootLayout() {
  return (
    <AppShell>
      <Outlet />
      <Toaster />
    </AppShell>
  )
}

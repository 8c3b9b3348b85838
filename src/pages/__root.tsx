import { createRootRouteWithContext, Outlet } from '@tanstack/react-router'
import { AppShell } from '../components/app-shell'
import { Toaster } from '../components/ui/toaster'
import type { RouterContext } from '../router'

export const Route = createRootRouteWithContext<RouterContext>()({
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

import type { QueryClient } from '@tanstack/react-query'
import { createRouter, type RouterHistory } from '@tanstack/react-router'
import { connectionHealth } from './api/connection-health'
import { setSignedIn } from './api/meta'
import { NotFound, RouteError } from './components/route-error'
import { SkeletonRows } from './components/ui/skeleton'
import { routeTree } from './route-tree.gen'

export interface RouterContext {
  queryClient: QueryClient
}

export function createAppRouter(queryClient: QueryClient, history?: RouterHistory) {
  const router = createRouter({
    routeTree,
    context: { queryClient },
    ...(history ? { history } : {}),
    defaultPreload: 'intent',
    // The query cache decides freshness; the router always asks it.
    defaultPreloadStaleTime: 0,
    // Every route shows an error card with Retry when it fails to load or crashes, never a blank page.
    defaultErrorComponent: RouteError,
    defaultNotFoundComponent: () => <NotFound />,
    defaultPendingComponent: () => <SkeletonRows />,
    scrollRestoration: true,
  })

  // A request refused because the session is over (signin mode): sign in again, then come back here.
  connectionHealth(queryClient).onSignedOut(() => {
    setSignedIn(queryClient, false)
    const { pathname, href } = router.state.location
    if (pathname === '/sign-in' || pathname.startsWith('/sign-in/')) return
    void router.navigate({ to: '/sign-in', search: { redirect: href }, replace: true })
  })

  return router
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>
  }
}

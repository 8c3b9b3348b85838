import { createFileRoute, redirect } from '@tanstack/react-router'
import { metaQueryOptions, needsSignIn } from '../../api/meta'
import { safeRedirect } from '../../api/session'
import { type Readers, readSearch, text } from '../../lib/search-params'
import { SignInPage } from './-components/sign-in-page'

interface SignInSearch {
  /** Where the person was when asked to sign in (a path of this app; anything else is ignored). */
  redirect?: string
}

const SIGN_IN_SEARCH_READERS: Readers<SignInSearch> = { redirect: text({ max: 2_000 }) }

export const Route = createFileRoute('/sign-in/')({
  validateSearch: (input: SignInSearch): SignInSearch => readSearch(input, SIGN_IN_SEARCH_READERS),
  beforeLoad: async ({ context, search }) => {
    const meta = await context.queryClient.ensureQueryData(metaQueryOptions()).catch(() => undefined)
    // Nothing to sign in to (demo or server-key mode), or signed in already: on to where the person was going.
    if (meta && !needsSignIn(meta)) throw redirect({ href: safeRedirect(search.redirect), replace: true })
  },
  component: SignInPage,
})

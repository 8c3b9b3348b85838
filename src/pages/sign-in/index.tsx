import { createFileRoute, redirect } from '@tanstack/react-router'
// valibot: the search schema loads with the entry, and its functions tree-shake to a few hundred bytes.
import * as v from 'valibot'
import { metaQueryOptions, needsSignIn } from '../../api/meta'
import { safeRedirect } from '../../api/session'
import { SignInPage } from './-components/sign-in-page'

/** `redirect`: where the person was when asked to sign in (a path of this app; anything else is ignored). */
const signInSearchSchema = v.object({
  redirect: v.fallback(v.optional(v.pipe(v.string(), v.maxLength(2_000))), undefined),
})

export const Route = createFileRoute('/sign-in/')({
  validateSearch: signInSearchSchema,
  beforeLoad: async ({ context, search }) => {
    const meta = await context.queryClient.ensureQueryData(metaQueryOptions()).catch(() => undefined)
    // Nothing to sign in to (demo or server-key mode), or signed in already: on to where the person was going.
    if (meta && !needsSignIn(meta)) throw redirect({ href: safeRedirect(search.redirect), replace: true })
  },
  component: SignInPage,
})

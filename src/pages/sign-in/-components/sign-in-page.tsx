import { useQueryClient } from '@tanstack/react-query'
import { getRouteApi, useRouter } from '@tanstack/react-router'
import { type FormEvent, useId, useRef, useState } from 'react'
import { resetForSession, safeRedirect, signIn } from '../../../api/session'
import { Button } from '../../../components/ui/button'
import { cn } from '../../../lib/cn'
import { apiKeyProblem } from './api-key'

const route = getRouteApi('/sign-in/')

/**
 * An admin pastes their own Paperspace API key. It is checked before anything is sent, sent once, and the field is
 * emptied at once: the page keeps no copy. A refused key says why, inline.
 */
export function SignInPage() {
  const { redirect } = route.useSearch()
  const router = useRouter()
  const queryClient = useQueryClient()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const inFlight = useRef(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const id = useId()
  const inputId = `${id}-key`
  const hintId = `${id}-hint`
  const errorId = `${id}-error`

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const input = inputRef.current
    // A second press while the first is on its way sends nothing.
    if (!input || inFlight.current) return
    const problem = apiKeyProblem(input.value)
    if (problem) {
      setError(problem)
      input.focus()
      return
    }
    inFlight.current = true
    setPending(true)
    setError(null)
    const request = signIn(input.value)
    input.value = ''
    try {
      await request
      // Whatever an earlier session fetched belongs to it, not to this admin.
      resetForSession(queryClient, true)
      await router.navigate({ href: safeRedirect(redirect), replace: true })
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Sign-in failed.')
      inputRef.current?.focus()
    } finally {
      inFlight.current = false
      setPending(false)
    }
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="mx-auto flex w-full max-w-md flex-col gap-6 pt-6 sm:pt-12">
      <div className="flex flex-col gap-2">
        <h1 id={`${id}-heading`} className="text-2xl font-semibold">
          Sign in
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Sign in with your own Paperspace API key to manage your team’s machines.
        </p>
      </div>
      <form
        noValidate
        onSubmit={submit}
        aria-labelledby={`${id}-heading`}
        className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-xs dark:border-slate-800 dark:bg-slate-900"
      >
        <div className="flex flex-col gap-1.5">
          <label htmlFor={inputId} className="text-sm font-medium text-slate-800 dark:text-slate-200">
            API key
          </label>
          <input
            ref={inputRef}
            id={inputId}
            name="apiKey"
            type="password"
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            required
            onChange={() => setError(null)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${errorId} ${hintId}` : hintId}
            className={cn(
              'h-9 w-full rounded-md border bg-white px-3 font-mono text-sm text-slate-900 shadow-xs',
              'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500',
              'dark:bg-slate-950 dark:text-slate-100',
              error ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700',
            )}
          />
          <p id={hintId} className="text-xs text-slate-600 dark:text-slate-400">
            Create one in Paperspace under Team settings → API keys. It is checked with Paperspace, then held by this
            server in an encrypted, HttpOnly cookie; this page keeps no copy.
          </p>
          {error ? (
            <p id={errorId} role="alert" className="text-sm font-medium text-red-700 dark:text-red-300">
              {error}
            </p>
          ) : null}
        </div>
        <Button type="submit" variant="primary" pending={pending} className="self-start">
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </section>
  )
}

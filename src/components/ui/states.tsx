import type { ReactNode } from 'react'
import { Button } from './button'

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message
  return 'Something went wrong.'
}

/** An error with the API's message and a way to try again. */
export function ErrorState({
  error,
  title = 'Could not load this',
  onRetry,
  retrying = false,
}: {
  error: unknown
  title?: string
  onRetry?: () => void
  retrying?: boolean
}) {
  return (
    <div
      role="alert"
      className="flex flex-col items-start gap-3 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
    >
      <div>
        <p className="font-semibold">{title}</p>
        <p>{errorMessage(error)}</p>
      </div>
      {onRetry ? (
        <Button size="sm" onClick={onRetry} pending={retrying}>
          Retry
        </Button>
      ) : null}
    </div>
  )
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
      <p className="font-semibold">{title}</p>
      {children ? <div className="text-sm text-slate-600 dark:text-slate-300">{children}</div> : null}
      {action}
    </div>
  )
}

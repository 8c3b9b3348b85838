import type { ReactNode } from 'react'
import { cn } from '../../../lib/cn'

export const inputClasses = (invalid: boolean) =>
  cn(
    'h-9 w-full rounded-md border bg-white px-3 text-sm text-slate-900 shadow-xs placeholder:text-slate-400',
    'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500',
    'disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500',
    'dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500 dark:disabled:bg-slate-800 dark:disabled:text-slate-400',
    invalid ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700',
  )

/** A label, the control, a hint and an inline error; the control gets its ids through `describedBy`. */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string
  label: string
  hint?: ReactNode
  error?: string | undefined
  children: ReactNode
}) {
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm font-medium text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** The aria-describedby value for a Field's control. */
export function describedBy(id: string, hasHint: boolean, error: string | undefined): string | undefined {
  const ids = [error ? `${id}-error` : null, hasHint ? `${id}-hint` : null].filter(Boolean)
  return ids.length > 0 ? ids.join(' ') : undefined
}

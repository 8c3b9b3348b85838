import { useSyncExternalStore } from 'react'
import { cn } from '../../lib/cn'
import { dismissToast, getToasts, subscribeToasts } from './toast-store'

const TONE = {
  info: 'border-slate-300 dark:border-slate-700',
  success: 'border-emerald-400 dark:border-emerald-700',
  error: 'border-red-400 dark:border-red-700',
} as const

/** Renders the toasts in a polite live region so screen readers hear them. */
export function Toaster() {
  const toasts = useSyncExternalStore(subscribeToasts, getToasts, getToasts)
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === 'error' ? 'alert' : 'status'}
          className={cn(
            'pointer-events-auto flex items-start gap-3 rounded-lg border-l-4 bg-white p-3 text-sm shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800',
            TONE[t.tone],
          )}
        >
          <div className="flex-1">
            <p className="font-medium">{t.title}</p>
            {t.description ? <p className="text-slate-600 dark:text-slate-300">{t.description}</p> : null}
          </div>
          <button
            type="button"
            onClick={() => dismissToast(t.id)}
            className="rounded px-1 text-slate-500 hover:text-slate-900 dark:hover:text-white"
            aria-label={`Dismiss: ${t.title}`}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  )
}

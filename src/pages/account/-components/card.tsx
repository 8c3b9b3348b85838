import { type ReactNode, useId } from 'react'

/** A titled card of the Account page; a region landmark named by its heading. */
export function Card({
  title,
  description,
  actions,
  children,
}: {
  title: string
  description?: ReactNode
  actions?: ReactNode
  children: ReactNode
}) {
  const headingId = useId()
  return (
    <section
      aria-labelledby={headingId}
      className="flex min-w-0 flex-col gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-xs dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex flex-col gap-1">
          <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-slate-100">
            {title}
          </h2>
          {description ? <div className="text-sm text-slate-600 dark:text-slate-300">{description}</div> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  )
}

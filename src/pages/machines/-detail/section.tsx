import { type ReactNode, useId } from 'react'
import { SectionErrorCard, SectionBoundary as SharedSectionBoundary } from '../../../components/section-boundary'
import { Button } from '../../../components/ui/button'
import { cn } from '../../../lib/cn'

/** A titled card of the detail page; a region landmark named by its heading. */
export function Section({
  title,
  description,
  actions,
  className,
  children,
}: {
  title: string
  description?: ReactNode
  actions?: ReactNode
  className?: string
  children: ReactNode
}) {
  const headingId = useId()
  return (
    <section
      aria-labelledby={headingId}
      className={cn(
        'flex min-w-0 flex-col gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-xs dark:border-slate-800 dark:bg-slate-900',
        className,
      )}
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

/** Keeps a crash inside one section: the rest of the page stays, and this section offers Retry. */
export function SectionBoundary({ title, children }: { title: string; children: ReactNode }) {
  return (
    <SharedSectionBoundary
      title={title}
      fallback={(props) => (
        <Section title={props.title}>
          <SectionErrorCard {...props} />
        </Section>
      )}
    >
      {children}
    </SharedSectionBoundary>
  )
}

/** Says that the data shown is the last known, because refreshing it failed. */
export function StaleNotice({ error, onRetry, retrying }: { error: unknown; onRetry: () => void; retrying: boolean }) {
  const message = error instanceof Error ? error.message : 'The refresh failed.'
  return (
    <div
      role="status"
      className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <span>
        <span className="font-semibold">Stale:</span> showing the last known data. {message}
      </span>
      <Button size="sm" variant="ghost" onClick={onRetry} pending={retrying}>
        Retry
      </Button>
    </div>
  )
}

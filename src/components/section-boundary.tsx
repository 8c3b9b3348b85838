import { QueryErrorResetBoundary } from '@tanstack/react-query'
import { Component, type ErrorInfo, type ReactNode } from 'react'
import { ErrorState } from './ui/states'

export interface SectionFallbackProps {
  title: string
  error: unknown
  /** Clears the failed queries and renders the section again. */
  retry: () => void
}

/** The default look of a crashed section: an error card with its message and Retry. */
export function SectionErrorCard({ title, error, retry }: SectionFallbackProps) {
  return <ErrorState title={`The ${title.toLowerCase()} section could not be shown`} error={error} onRetry={retry} />
}

interface BoundaryProps {
  title: string
  onReset: () => void
  fallback: (props: SectionFallbackProps) => ReactNode
  children: ReactNode
}

interface BoundaryState {
  failed: boolean
  error: unknown
}

class Boundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failed: false, error: null }

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { failed: true, error }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(`The ${this.props.title} section crashed`, error, info.componentStack)
  }

  override render() {
    if (!this.state.failed) return this.props.children
    return this.props.fallback({
      title: this.props.title,
      error: this.state.error,
      retry: () => {
        this.props.onReset()
        this.setState({ failed: false, error: null })
      },
    })
  }
}

/**
 * Keeps a crash inside one section of a page: the rest of the page stays, and this section offers Retry (which
 * also lets its failed queries fetch again). Routes as a whole fall back to `RouteError`.
 */
export function SectionBoundary({
  title,
  fallback = SectionErrorCard,
  children,
}: {
  title: string
  fallback?: (props: SectionFallbackProps) => ReactNode
  children: ReactNode
}) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Boundary title={title} onReset={reset} fallback={fallback}>
          {children}
        </Boundary>
      )}
    </QueryErrorResetBoundary>
  )
}

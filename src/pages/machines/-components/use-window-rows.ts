import { useCallback, useSyncExternalStore } from 'react'

export interface WindowRowsOptions {
  count: number
  /** Every row has this height, in px. */
  rowHeight: number
  /** Rows rendered beyond each edge of the viewport, so a quick scroll does not show blank space. */
  overscan: number
  /** Where the first row starts, in px from the top of the page. */
  offsetTop: number
  enabled: boolean
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('scroll', onChange, { passive: true })
  window.addEventListener('resize', onChange)
  return () => {
    window.removeEventListener('scroll', onChange)
    window.removeEventListener('resize', onChange)
  }
}

/**
 * The rows of a long list that are near the viewport, `[start, end)`, for a list of fixed-height rows in a page
 * that scrolls as a whole. Renders again only when that range changes, not on every scroll event. All rows when
 * not enabled.
 */
export function useWindowRows({ count, rowHeight, overscan, offsetTop, enabled }: WindowRowsOptions) {
  // A string snapshot, so that scrolling within the same range is no change at all for React.
  const snapshot = useCallback(() => {
    if (!enabled) return `0:${count}`
    const top = window.scrollY - offsetTop
    const start = Math.min(count, Math.max(0, Math.floor(top / rowHeight) - overscan))
    const end = Math.min(count, Math.max(start, Math.ceil((top + window.innerHeight) / rowHeight) + overscan))
    return `${start}:${end}`
  }, [count, rowHeight, overscan, offsetTop, enabled])
  const range = useSyncExternalStore(subscribe, snapshot, () => `0:${Math.min(count, overscan * 2)}`)
  const [start = 0, end = 0] = range.split(':').map(Number)
  return { start, end }
}

import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'

/** The first row still on screen and where it was, measured before the list changes. */
interface Anchor {
  id: string
  top: number
  /** the reader has scrolled past the top of the list */
  away: boolean
}

const ROW = '[data-row-id]'

function measure(list: HTMLElement | null): Anchor | null {
  if (!list) return null
  const away = list.getBoundingClientRect().top < 0
  for (const row of list.querySelectorAll<HTMLElement>(ROW)) {
    const rect = row.getBoundingClientRect()
    if (rect.bottom > 0) return { id: row.dataset.rowId ?? '', top: rect.top, away }
  }
  return null
}

function findRow(list: HTMLElement | null, id: string): HTMLElement | undefined {
  if (!list) return undefined
  for (const row of list.querySelectorAll<HTMLElement>(ROW)) if (row.dataset.rowId === id) return row
  return undefined
}

/**
 * Keeps the reader's place in a list that grows at the top (rows carry `data-row-id`): when rows are prepended
 * while the reader is scrolled down, the page scrolls by the height they added, so what was on screen stays put,
 * and the rows that arrived out of sight are counted for a "N new" pill. `resetKey` changes when the list is
 * replaced rather than grown (a new filter), which is neither kept nor counted.
 */
export function useLiveListScroll(listRef: RefObject<HTMLElement | null>, ids: readonly string[], resetKey: string) {
  const anchor = useRef<Anchor | null>(null)
  const previous = useRef<{ ids: readonly string[]; key: string } | null>(null)
  const [unseen, setUnseen] = useState(0)

  useEffect(() => {
    let frame = 0
    const onScroll = () => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => {
        anchor.current = measure(listRef.current)
        if (!anchor.current?.away) setUnseen(0)
      })
    }
    window.addEventListener('scroll', onScroll, { passive: true })
    window.addEventListener('resize', onScroll)
    return () => {
      cancelAnimationFrame(frame)
      window.removeEventListener('scroll', onScroll)
      window.removeEventListener('resize', onScroll)
    }
  }, [listRef])

  useLayoutEffect(() => {
    const before = previous.current
    previous.current = { ids, key: resetKey }
    const firstBefore = before?.ids[0]
    if (before && before.key === resetKey && firstBefore !== undefined) {
      const added = ids.indexOf(firstBefore)
      const saved = anchor.current
      if (added > 0 && saved?.away) {
        const row = findRow(listRef.current, saved.id)
        if (row) {
          const delta = row.getBoundingClientRect().top - saved.top
          if (delta !== 0) window.scrollBy(0, delta)
        }
        setUnseen((count) => count + added)
      }
    } else if (before && before.key !== resetKey) {
      setUnseen(0)
    }
    anchor.current = measure(listRef.current)
  }, [ids, resetKey, listRef])

  const showNewest = useCallback(() => {
    setUnseen(0)
    window.scrollTo({ top: 0, behavior: 'smooth' })
    listRef.current?.focus({ preventScroll: true })
  }, [listRef])

  return { unseen, showNewest }
}

import { act, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FILTER_URL_DELAY_MS, type FleetFilterValues, FleetToolbar } from './fleet-toolbar'

function renderToolbar(q = '') {
  const onText = vi.fn<(q: string) => void>()
  const onTextCommit = vi.fn<(q: string) => void>()
  const toolbar = (filter: Partial<FleetFilterValues> = {}, textKey = 0) => (
    <FleetToolbar
      filter={{ q, state: undefined, region: undefined, type: undefined, ...filter }}
      regions={[]}
      types={[]}
      filtered={false}
      textKey={textKey}
      onText={onText}
      onTextCommit={onTextCommit}
      onChange={() => {}}
      onClear={() => {}}
      onExport={() => {}}
      canExport
    />
  )
  const view = render(toolbar())
  const box = screen.getByRole('searchbox', { name: 'Filter machines' })
  const type = (text: string) => fireEvent.change(box, { target: { value: text } })
  return {
    ...view,
    box,
    type,
    onText,
    onTextCommit,
    rerenderWith: (...args: Parameters<typeof toolbar>) => view.rerender(toolbar(...args)),
  }
}

describe('the filter box', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('passes on every keystroke at once and writes the text once typing pauses', () => {
    const { box, type, onText, onTextCommit } = renderToolbar()
    type('t')
    type('tr')
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS - 1))
    type('tra')
    expect(box).toHaveValue('tra')
    expect(onText.mock.calls).toEqual([['t'], ['tr'], ['tra']])
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS - 1))
    expect(onTextCommit).not.toHaveBeenCalled()
    act(() => vi.advanceTimersByTime(1))
    expect(onTextCommit.mock.calls).toEqual([['tra']])
  })

  it('writes at once on Enter and when the box loses focus, and only once', () => {
    const { box, type, onTextCommit } = renderToolbar()
    type('gpu')
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(onTextCommit.mock.calls).toEqual([['gpu']])
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS))
    fireEvent.blur(box)
    expect(onTextCommit).toHaveBeenCalledTimes(1)

    type('gpu-1')
    fireEvent.blur(box)
    expect(onTextCommit.mock.calls).toEqual([['gpu'], ['gpu-1']])
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS))
    expect(onTextCommit).toHaveBeenCalledTimes(2)
  })

  it('follows the URL when it changes elsewhere, dropping text not yet written', () => {
    const { box, type, onTextCommit, rerenderWith } = renderToolbar('train')
    expect(box).toHaveValue('train')
    type('trainx')
    rerenderWith({ q: 'eval' })
    expect(box).toHaveValue('eval')
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS))
    expect(onTextCommit).not.toHaveBeenCalled()
  })

  it('keeps its text when the URL catches up with what it wrote', () => {
    const { box, type, onTextCommit, rerenderWith } = renderToolbar()
    type('ab')
    fireEvent.keyDown(box, { key: 'Enter' })
    type('abc')
    // The write of "ab" lands while "abc" waits for the pause.
    rerenderWith({ q: 'ab' })
    expect(box).toHaveValue('abc')
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS))
    expect(onTextCommit.mock.calls).toEqual([['ab'], ['abc']])
  })

  it('starts afresh with a new key, and writes nothing after it is gone', () => {
    const { box, type, onTextCommit, rerenderWith, unmount } = renderToolbar()
    type('no-such-machine')
    rerenderWith({}, 1)
    expect(box).not.toBeInTheDocument()
    const fresh = screen.getByRole('searchbox', { name: 'Filter machines' })
    expect(fresh).toHaveValue('')
    fireEvent.change(fresh, { target: { value: 'again' } })
    unmount()
    act(() => vi.advanceTimersByTime(FILTER_URL_DELAY_MS))
    expect(onTextCommit).not.toHaveBeenCalled()
  })
})

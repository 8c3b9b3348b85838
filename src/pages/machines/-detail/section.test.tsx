import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Section, SectionBoundary } from './section'

let broken = true

function Fragile() {
  if (broken) throw new Error('The accessor list had an unexpected shape.')
  return <p>All good</p>
}

function Page() {
  const [count, setCount] = useState(0)
  return (
    <>
      <SectionBoundary title="Access">
        <Fragile />
      </SectionBoundary>
      <Section title="Desktop">
        <button type="button" onClick={() => setCount(count + 1)}>
          Clicked {count}
        </button>
      </Section>
    </>
  )
}

afterEach(() => {
  broken = true
  vi.restoreAllMocks()
})

describe('SectionBoundary', () => {
  it('turns a crashing section into an error card with retry, and leaves the others working', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const user = userEvent.setup()
    render(<Page />)
    const card = screen.getByRole('region', { name: 'Access' })
    expect(card).toHaveTextContent('The access section could not be shown')
    expect(card).toHaveTextContent('The accessor list had an unexpected shape.')
    await user.click(screen.getByRole('button', { name: 'Clicked 0' }))
    expect(screen.getByRole('button', { name: 'Clicked 1' })).toBeVisible()

    broken = false
    await user.click(screen.getByRole('button', { name: 'Retry' }))
    expect(screen.getByText('All good')).toBeVisible()
  })
})

/** Opens the detail page of a machine the simulator has, picked by what a test needs. */
import { act, screen } from '@testing-library/react'
import { expect } from 'vitest'
import type { Machine } from '../../../api/machines'
import { machineKeys } from '../../../api/machines'
import { renderApp } from '../../../test/render'

type Options = Parameters<typeof renderApp>[1]

export async function openMachine(pick: (machine: Machine) => boolean, options?: Options) {
  // Start on a page that loads nothing else, then go to the machine the test picked from the simulator's fleet.
  const app = await renderApp('/machines/no-such-machine', options)
  await screen.findByRole('heading', { name: 'Not found', level: 1 })
  const machine = app.simulator.store.machines.find(pick)
  if (!machine?.id) throw new Error('The simulated fleet has no machine the test can use.')
  const machineId = machine.id
  await act(() => app.router.navigate({ to: '/machines/$machineId', params: { machineId } }))
  await screen.findByRole('heading', { name: machine.name, level: 1 })
  /** Lets the next poll happen now: the page asks the simulator again. */
  const refresh = () => act(() => app.queryClient.invalidateQueries({ queryKey: machineKeys.detail(machineId) }))
  return { ...app, machine, machineId, refresh }
}

export function region(name: string): HTMLElement {
  return screen.getByRole('region', { name })
}

export function expectNoRequest(requests: readonly string[], fragment: string) {
  expect(requests.filter((request) => request.includes(fragment))).toEqual([])
}

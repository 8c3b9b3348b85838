/** Machines: the mutations (start, stop, restart, create, update, delete) and how each updates the caches. */
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query'
import { type LifecycleAction, pendingStateFor } from '../lib/machine-state'
import { client, unwrap } from './client'
import { eventKeys } from './event-keys'
import { type Machine, type MachineCreate, type MachineUpdate, machineKeys } from './machines'

/** Writes one machine into the detail cache and into the fleet list, wherever it is cached. */
function putMachine(queryClient: QueryClient, machine: Machine): void {
  if (!machine.id) return
  queryClient.setQueryData(machineKeys.detail(machine.id), machine)
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) => {
    if (!fleet) return fleet
    let found = false
    const next = fleet.map((m) => {
      if (m.id !== machine.id) return m
      found = true
      return machine
    })
    return found ? next : [machine, ...fleet]
  })
}

function patchMachine(queryClient: QueryClient, id: string, patch: Partial<Machine>): void {
  queryClient.setQueryData<Machine>(machineKeys.detail(id), (m) => (m ? { ...m, ...patch } : m))
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) =>
    fleet?.map((m) => (m.id === id ? { ...m, ...patch } : m)),
  )
}

function removeMachine(queryClient: QueryClient, id: string): void {
  queryClient.setQueryData<Machine[]>(machineKeys.fleet(), (fleet) => fleet?.filter((m) => m.id !== id))
  queryClient.removeQueries({ queryKey: machineKeys.detail(id) })
}

export function runLifecycleAction(id: string, action: LifecycleAction): Promise<Machine> {
  const params = { params: { path: { id } } }
  switch (action) {
    case 'start':
      return unwrap(client.PATCH('/machines/{id}/start', params))
    case 'stop':
      return unwrap(client.PATCH('/machines/{id}/stop', params))
    case 'restart':
      return unwrap(client.PATCH('/machines/{id}/restart', params))
  }
}

interface LifecycleVariables {
  id: string
  action: LifecycleAction
}

interface LifecycleContext {
  previous: Machine | undefined
  previousFleet: Machine[] | undefined
}

/**
 * Start, stop or restart one machine. The new state shows at once (optimistic), rolls back when the API refuses,
 * and the machine and event caches are refreshed when it settles.
 */
export function useLifecycleAction() {
  const queryClient = useQueryClient()
  return useMutation<Machine, Error, LifecycleVariables, LifecycleContext>({
    mutationFn: ({ id, action }) => runLifecycleAction(id, action),
    onMutate: async ({ id, action }) => {
      await Promise.all([
        queryClient.cancelQueries({ queryKey: machineKeys.detail(id), exact: true }),
        queryClient.cancelQueries({ queryKey: machineKeys.fleet() }),
      ])
      const previous = queryClient.getQueryData<Machine>(machineKeys.detail(id))
      const previousFleet = queryClient.getQueryData<Machine[]>(machineKeys.fleet())
      patchMachine(queryClient, id, { state: pendingStateFor(action) })
      return { previous, previousFleet }
    },
    onError: (_error, { id }, context) => {
      if (!context) return
      queryClient.setQueryData(machineKeys.detail(id), context.previous)
      queryClient.setQueryData(machineKeys.fleet(), context.previousFleet)
    },
    onSuccess: (machine) => putMachine(queryClient, machine),
    onSettled: (_data, _error, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.detail(id), exact: true }),
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ]),
  })
}

export function useCreateMachine() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: MachineCreate) => unwrap(client.POST('/machines', { body })),
    onSuccess: (machine) => {
      putMachine(queryClient, machine)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ])
    },
  })
}

export function useUpdateMachine(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: MachineUpdate) => unwrap(client.PUT('/machines/{id}', { params: { path: { id } }, body })),
    onSuccess: (machine) => {
      putMachine(queryClient, machine)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ])
    },
  })
}

export function useDeleteMachine() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => unwrap(client.DELETE('/machines/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => {
      removeMachine(queryClient, id)
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }),
        queryClient.invalidateQueries({ queryKey: eventKeys.all }),
      ])
    },
  })
}

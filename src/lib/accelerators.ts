/**
 * A machine's GPUs as a person reads them. The live service lists them as `accelerators` (name, count, memory in
 * bytes); the contract names one `gpu` and the catalog knows how many a machine type has and their memory. Pure.
 */
import type { components } from '../api/schema'
import { machineTypeInfo } from './catalog'

const GIB = 1024 ** 3

export interface AcceleratorLike {
  name: string
  count: number
  /** bytes of memory of each one */
  memory?: number
}

type MachineLike = Pick<components['schemas']['Machine'], 'gpu' | 'machineType'> & {
  accelerators?: readonly AcceleratorLike[] | undefined
}

/** The accelerators the service listed, or ones made from `gpu` and the catalog; empty for a machine without GPUs. */
export function acceleratorsOf(machine: MachineLike): AcceleratorLike[] {
  if (machine.accelerators && machine.accelerators.length > 0) return [...machine.accelerators]
  if (!machine.gpu) return []
  const info = machineTypeInfo(machine.machineType)
  const count = info && info.gpuCount > 0 ? info.gpuCount : 1
  return [
    info?.gpuMemoryGb ? { name: machine.gpu, count, memory: info.gpuMemoryGb * GIB } : { name: machine.gpu, count },
  ]
}

/** "NVIDIA A100", "8 × NVIDIA H100", or "" for a machine without a GPU. */
export function gpuSummary(machine: MachineLike): string {
  return acceleratorsOf(machine)
    .map((accelerator) => (accelerator.count > 1 ? `${accelerator.count} × ${accelerator.name}` : accelerator.name))
    .join(' + ')
}

/** "NVIDIA A100, 40 GB", "8 × NVIDIA H100, 80 GB each", or "" without a GPU. */
export function gpuDetail(machine: MachineLike): string {
  return acceleratorsOf(machine)
    .map(({ name, count, memory }) => {
      const label = count > 1 ? `${count} × ${name}` : name
      if (memory === undefined || memory <= 0) return label
      const gb = Math.round((memory / GIB) * 10) / 10
      return `${label}, ${gb} GB${count > 1 ? ' each' : ''}`
    })
    .join(' + ')
}

/** How many GPUs a machine has. */
export function gpuTotal(machine: MachineLike): number {
  return acceleratorsOf(machine).reduce((sum, accelerator) => sum + accelerator.count, 0)
}

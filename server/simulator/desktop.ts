import { findTemplate, isWindows } from './catalog'
import { conflict } from './errors'
import { getMachine } from './machines'
import { derivedRng, randomHex } from './random'
import type { World } from './store'

export interface DesktopConfig {
  host: string
  token: string
  port: number
  protocol: 'nice-dcv' | 'vnc' | 'rdp'
}

/** GET /machines/{id}/desktop: streaming settings of a running machine; the token is stable per machine. */
export function getDesktop(world: World, machineId: string): DesktopConfig {
  const machine = getMachine(world, machineId)
  if (machine.state !== 'ready') throw conflict('This machine is not running.')
  const token = randomHex(derivedRng(world.seed, 'desktop', machine.id), 32)
  const host = `${machine.region}-${machine.id}.desktop.paperspace.com`
  if (isWindows(machine.os)) return { host, token, port: 443, protocol: 'rdp' }
  const label = findTemplate(machine.templateId)?.label ?? ''
  const graphical = label.includes('Desktop') || label.includes('ML-in-a-Box')
  return graphical ? { host, token, port: 443, protocol: 'nice-dcv' } : { host, token, port: 5900, protocol: 'vnc' }
}

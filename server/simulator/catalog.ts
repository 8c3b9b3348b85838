import catalogJson from '../../openapi/catalog.json' with { type: 'json' }

export interface RegionSpec {
  id: string
  name: string
}

export interface MachineTypeSpec {
  name: string
  gpu: string | null
  gpuCount: number
  gpuMemoryGb: number
  cpus: number
  ramGb: number
  pricePerHour: number | null
  regions: string[]
  class: 'cpu' | 'gpu' | 'multi-gpu'
}

export interface TemplateSpec {
  id: string
  label: string
  os: string
}

interface Catalog {
  regions: RegionSpec[]
  machineTypes: MachineTypeSpec[]
  templates: TemplateSpec[]
}

export const catalog = catalogJson as Catalog

export const GIB = 1024 ** 3

const machineTypesByName = new Map(catalog.machineTypes.map((type) => [type.name, type]))
const regionsById = new Map(catalog.regions.map((region) => [region.id, region]))
const templatesById = new Map(catalog.templates.map((template) => [template.id, template]))

export const findMachineType = (name: string) => machineTypesByName.get(name)
export const findRegion = (id: string) => regionsById.get(id)
export const findTemplate = (id: string) => templatesById.get(id)

export const offeredIn = (type: MachineTypeSpec, region: string) => type.regions.includes(region)
export const isWindows = (os: string) => os.startsWith('Windows')

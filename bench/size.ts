/**
 * `npm run size`: the JavaScript a browser downloads, gzip-compressed, read from the last build (it builds nothing
 * itself: run `npm run build` first). Prints the entry with its static imports, each route's split chunks, and the
 * first load of `/machines` (the entry, its static imports, the machines route's component chunk and its imports),
 * and exits 1 when the first load is over budget or the entry carries something it never should (the mock service
 * worker of the tests).
 *
 *   npm run size                     reads dist/
 *   npm run size -- --dir <folder>   reads another build folder
 *   STATIC_DIR=<folder> npm run size  the same, named as the server names the built app
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { formatKb, print, printTable } from './support/report'

/** First load of /machines, gzip: react + react-dom + router + query alone are about 105 kB of it. */
export const FIRST_LOAD_BUDGET = 130_000

/** What Vite writes to `.vite/manifest.json` for one chunk (only the fields read here). */
interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  isDynamicEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
}
type Manifest = Record<string, ManifestChunk>

/** Text that only the test tooling's mock service worker contains. */
const TEST_ONLY_MARKERS = ['mockServiceWorker', 'setupWorker(', 'MSW_COOKIE_STORE']

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  return index === -1 ? undefined : process.argv[index + 1]
}

function readManifest(dir: string): Manifest {
  const path = join(dir, '.vite', 'manifest.json')
  if (!existsSync(path)) {
    console.error(
      `No build manifest at ${path}. Run \`npm run build\` first (vite.config.ts sets build.manifest: true).`,
    )
    process.exit(1)
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest
}

/** The chunk and every chunk it imports statically, transitively (what the browser fetches before running it). */
function staticClosure(manifest: Manifest, key: string, into = new Set<string>()): Set<string> {
  if (into.has(key)) return into
  const chunk = manifest[key]
  if (!chunk) throw new Error(`The manifest names a chunk it does not hold: ${key}`)
  into.add(key)
  for (const imported of chunk.imports ?? []) staticClosure(manifest, imported, into)
  return into
}

/** `src/pages/machines/index.tsx` → `/machines`; `src/pages/machines/$machineId.tsx` → `/machines/$machineId`. */
function routePath(source: string): string {
  const path = source
    .replace(/^src\/pages/, '')
    .replace(/\.tsx?$/, '')
    .replace(/\/index$/, '')
  return path === '' ? '/' : path
}

export interface SizeReport {
  rows: { name: string; files: number; gzip: number }[]
  firstLoad: number
  entry: number
  problems: string[]
}

export function measure(dir: string): SizeReport {
  const manifest = readManifest(dir)
  const gzipCache = new Map<string, number>()
  const gzipOf = (key: string): number => {
    let size = gzipCache.get(key)
    if (size === undefined) {
      const chunk = manifest[key]
      if (!chunk) throw new Error(`Unknown chunk ${key}`)
      size = gzipSync(readFileSync(join(dir, chunk.file)), { level: 9 }).length
      gzipCache.set(key, size)
    }
    return size
  }
  const total = (keys: Iterable<string>) => [...keys].reduce((sum, key) => sum + gzipOf(key), 0)

  const problems: string[] = []
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry)
  const [entryPair] = entries
  if (!entryPair || entries.length !== 1) throw new Error(`Expected one entry chunk, found ${entries.length}.`)
  const [entryKey, entryChunk] = entryPair
  const entryClosure = staticClosure(manifest, entryKey)
  const rows: SizeReport['rows'] = [
    { name: `entry ${entryChunk.file}`, files: 1, gzip: gzipOf(entryKey) },
    { name: 'entry + its static imports', files: entryClosure.size, gzip: total(entryClosure) },
  ]

  for (const key of entryClosure) {
    const code = readFileSync(join(dir, manifest[key]?.file ?? ''), 'utf8')
    const marker = TEST_ONLY_MARKERS.find((text) => code.includes(text))
    if (marker) problems.push(`${manifest[key]?.file} (loaded first) contains test-only code ("${marker}").`)
  }

  // Route chunks: what TanStack Router's code splitting made of each route file, and the chunks those load lazily
  // (a dialog's code), each counted beyond what is already loaded before it (the entry, the chunk importing it).
  const importersOf = (key: string) =>
    Object.keys(manifest).filter((other) => manifest[other]?.dynamicImports?.includes(key) && other !== entryKey)
  const splits = Object.entries(manifest)
    .filter(([, chunk]) => chunk.isDynamicEntry && chunk.src?.startsWith('src/pages/'))
    .map(([key, chunk]) => {
      const [source = '', query = ''] = (chunk.src ?? '').split('?')
      const parts = new URLSearchParams(query).get('tsr-split')
      return parts === null
        ? { key, route: '', parts: '', name: `  lazy ${source.replace(/^src\/pages\//, '')}` }
        : { key, route: routePath(source), parts, name: `route ${routePath(source)} (${parts})` }
    })
  const ordered = splits
    .filter((split) => split.route !== '')
    .sort((a, b) => a.route.localeCompare(b.route) || a.parts.localeCompare(b.parts))
    .flatMap((split) => [
      split,
      ...splits.filter((lazy) => lazy.route === '' && importersOf(lazy.key).includes(split.key)),
    ])
  for (const split of ordered) {
    const before = new Set(entryClosure)
    if (split.route === '') for (const importer of importersOf(split.key)) staticClosure(manifest, importer, before)
    const own = [...staticClosure(manifest, split.key)].filter((key) => !before.has(key))
    rows.push({ name: split.name, files: own.length, gzip: total(own) })
  }

  const machines = splits.find((split) => split.route === '/machines' && split.parts.split('---').includes('component'))
  if (!machines) problems.push('The /machines route has no split component chunk: its page is in the entry.')
  const firstLoadKeys = new Set(entryClosure)
  if (machines) staticClosure(manifest, machines.key, firstLoadKeys)
  const firstLoad = total(firstLoadKeys)
  rows.push({ name: 'first load of /machines', files: firstLoadKeys.size, gzip: firstLoad })
  return { rows, firstLoad, entry: total(entryClosure), problems }
}

function main(): void {
  const dir = resolve(argument('--dir') ?? process.env.STATIC_DIR ?? 'dist')
  const report = measure(dir)
  print(`JavaScript by gzip -9 size, from ${dir}\n`)
  printTable(
    ['chunk', 'files', 'gzip'],
    report.rows.map((row) => [row.name, String(row.files), formatKb(row.gzip)]),
  )
  const over = report.firstLoad > FIRST_LOAD_BUDGET
  const share = ((report.firstLoad / FIRST_LOAD_BUDGET) * 100).toFixed(0)
  print(
    `\nFirst load of /machines: ${formatKb(report.firstLoad)} of ${formatKb(FIRST_LOAD_BUDGET)} budget ` +
      `(${share}%) ${over ? 'OVER BUDGET' : 'ok'}`,
  )
  for (const problem of report.problems) console.error(`Problem: ${problem}`)
  if (over || report.problems.length > 0) process.exit(1)
}

main()

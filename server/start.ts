// Run by server/run.mjs before the server starts (`npm start`, `npm run serve`), in a process of its own that ends
// once this is done: builds the server bundle (bundle.ts) when it is stale and, unless `--serve` is given, the SPA
// when its build is missing or older than its sources.
//
//   tsx server/start.ts --bundle <file.mjs> [--serve]
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureServerBundle } from './bundle'
import { DEFAULT_STATIC_DIR } from './config'

const root = resolve(import.meta.dirname, '..')
/** Everything the SPA build reads; a change to any of them makes `dist/` stale. */
const BUILD_INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'tsr.config.json', 'package.json']

const say = (line: string) => process.stdout.write(`${line}\n`)

/** The first file under `path` modified after `since`, if any. */
function newerThan(path: string, since: number): string | undefined {
  if (!existsSync(path)) return undefined
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs > since ? path : undefined
  for (const entry of readdirSync(path)) {
    const found = newerThan(join(path, entry), since)
    if (found) return found
  }
  return undefined
}

/** Why the SPA must be (re)built, or undefined when `dist/` is up to date. */
function buildReason(staticDir: string): string | undefined {
  const index = join(staticDir, 'index.html')
  if (!existsSync(index)) return 'no build found'
  const builtAt = statSync(index).mtimeMs
  for (const input of BUILD_INPUTS) {
    const changed = newerThan(join(root, input), builtAt)
    if (changed) return `${relative(root, changed)} changed since the last build`
  }
  return undefined
}

function ensureBuilt(): void {
  if (process.env.STATIC_DIR?.trim() && resolve(process.env.STATIC_DIR.trim()) !== DEFAULT_STATIC_DIR) {
    say('STATIC_DIR is set: serving that folder as it is, without building.')
    return
  }
  const reason = buildReason(DEFAULT_STATIC_DIR)
  if (!reason) {
    say('The dashboard build is up to date.')
    return
  }
  say(`Building the dashboard (${reason}): npm run build`)
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (result.status !== 0) {
    console.error('The build failed; not starting the server.')
    process.exit(result.status ?? 1)
  }
}

const { values } = parseArgs({ options: { bundle: { type: 'string' }, serve: { type: 'boolean', default: false } } })
if (values.bundle === undefined) throw new Error('--bundle <file.mjs> is required')
if (!values.serve) ensureBuilt()
await ensureServerBundle(resolve(values.bundle), say)

// The server as `npm start` and `npm run serve` run it: server/main.ts and everything it imports from this project,
// bundled by esbuild into one ES module that Node runs without a TypeScript loader. tsx's loader (a worker thread
// with its own heap, plus esbuild's service) measured at about 20 MB of resident memory for the whole life of the
// server; the bundle costs nothing at run time. Packages stay external: Node loads them from node_modules as they
// are, so installing or updating a dependency needs no rebuild, and native ones (sodium-native) keep working.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '..')
const ENTRY = join(ROOT, 'server', 'main.ts')
/** Besides the bundle's own inputs: how it is built. */
const BUILD_INPUTS = [join(ROOT, 'server', 'bundle.ts')]

/** The inputs of the last build, written beside the bundle: `<bundle>.inputs.json`. */
const inputsFileOf = (bundle: string) => `${bundle}.inputs.json`

/** Why the bundle must be (re)built, or undefined when it is newer than every file it was built from. */
export function bundleStaleReason(bundle: string): string | undefined {
  if (!existsSync(bundle)) return 'no server bundle found'
  const inputsFile = inputsFileOf(bundle)
  if (!existsSync(inputsFile)) return 'the server bundle has no list of its inputs'
  const builtAt = statSync(bundle).mtimeMs
  let inputs: unknown
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'))
  } catch {
    return 'the list of the server bundle inputs is unreadable'
  }
  if (!Array.isArray(inputs)) return 'the list of the server bundle inputs is unreadable'
  for (const input of [...inputs, ...BUILD_INPUTS]) {
    const path = resolve(ROOT, String(input))
    if (!existsSync(path)) return `${relative(ROOT, path)} is gone since the last build`
    if (statSync(path).mtimeMs > builtAt) return `${relative(ROOT, path)} changed since the last build`
  }
  return undefined
}

/**
 * `import.meta.dirname` of each source file, as the path of its folder relative to the bundle: the bundle lives
 * elsewhere (and the checkout may move), so neither the bundle's own folder nor an absolute path would do.
 */
function sourceDirnames(bundleDir: string): Plugin {
  return {
    name: 'source-dirnames',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        if (!source.includes('import.meta.dirname')) return undefined
        const fromBundle = relative(bundleDir, dirname(args.path)).split('\\').join('/')
        const expression = `__sourceDir(${JSON.stringify(fromBundle)})`
        return { contents: source.replaceAll('import.meta.dirname', expression), loader: 'ts' }
      })
    },
  }
}

/** Bundles server/main.ts into `bundle` (an .mjs file), with the list of its inputs beside it. */
export async function buildServerBundle(bundle: string): Promise<void> {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: bundle,
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: [
        "import { fileURLToPath as __fileURLToPath } from 'node:url';",
        'const __sourceDir = (fromBundle) => __fileURLToPath(new URL(fromBundle || ".", import.meta.url)).replace(/[\\\\/]$/, "");',
      ].join('\n'),
    },
    plugins: [sourceDirnames(dirname(resolve(bundle)))],
  })
  const [output] = result.outputFiles
  if (output === undefined) throw new Error('esbuild wrote no bundle')
  mkdirSync(dirname(bundle), { recursive: true })
  writeAtomically(inputsFileOf(bundle), `${JSON.stringify(Object.keys(result.metafile.inputs), null, 2)}\n`)
  writeAtomically(bundle, output.contents)
}

/**
 * Servers started side by side (the browser tests start two) may build at the same time: each writes a file of its
 * own and renames it into place, so that none ever imports a half-written bundle.
 */
function writeAtomically(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

/** Builds the bundle when it is missing or older than its sources; says why it does. */
export async function ensureServerBundle(bundle: string, say: (line: string) => void): Promise<void> {
  const reason = bundleStaleReason(bundle)
  if (reason === undefined) return
  say(`Building the server (${reason}).`)
  await buildServerBundle(bundle)
}

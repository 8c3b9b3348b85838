// `npm start` and `npm run serve` (`--serve`: without building the SPA). First server/start.ts, in a child process
// under tsx that ends before the server starts, builds what is stale: the SPA (not with `--serve`) and the server
// bundle (server/bundle.ts). Then this process runs the bundle. It is plain JavaScript so that the server's process
// never loads a TypeScript loader, whose worker thread and esbuild service would stay resident all along.
//
// The V8 flags of these scripts in package.json keep the resident memory of a busy server closer to its idle one:
//   --max-semi-space-size=4    under steady requests V8 grows each half of the young generation up to 16 MiB,
//                              about 30 MB more resident memory that stays; 4 MiB halves hold a request's garbage
//                              as well.
//   --heap-growing-percent=100 on a machine with gigabytes of memory V8 lets the old generation reach up to four
//                              times its live size before a full collection; twice is enough here.
//   --no-allocation-site-pretenuring
//                              V8 watches where objects are made and, once most of a site's objects outlive a young
//                              collection (the first answers stored in the read cache, the simulator's fleet), makes
//                              that site's objects in the old generation from then on. Here that turned every later
//                              upstream answer, dead within milliseconds, into old-generation garbage, and kept the
//                              socket buffers they point to until a full collection: about 0.25 MB/s under
//                              bench:soak, about 10 of the 22 MB the server grew by in a minute. Without it those
//                              answers die young.
// The first two trade throughput for memory, and the balance was measured: with 50 instead of 100 bench:soak grew
// 19% instead of 25% from idle, but bench:proxy's distinct URLs fell to 0.9x the plain proxy from 1.1x. The third
// cost nothing measurable: bench:proxy's distinct URLs measured 1.16x with it.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bundleUrl = new URL('../node_modules/.cache/paperspace-fleet/server.mjs', import.meta.url)
const start = fileURLToPath(new URL('./start.ts', import.meta.url))

const prepared = spawnSync(
  process.execPath,
  ['--import', import.meta.resolve('tsx'), start, '--bundle', fileURLToPath(bundleUrl), ...process.argv.slice(2)],
  { stdio: 'inherit' },
)
if (prepared.error) throw prepared.error
if (prepared.status !== 0) process.exit(prepared.status ?? 1)

const { runMain } = await import(bundleUrl.href)
runMain()

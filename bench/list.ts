/**
 * `npm run bench:list`: the machines list in real Chromium against the real server in demo mode, with a fleet of
 * 20,000 machines and, as its peer in the same run, one of 200. For each it prints the time from the last list page
 * arriving to the first rows in the DOM, the p75 interaction latency (Event Timing) of typing in the filter and of
 * sorting, the rows in the DOM, the browser's JS heap and the server's memory, then the ratios 20000/200.
 *
 *   npm run bench:list                        both fleets
 *   npm run bench:list -- --machines 20000    one fleet (no ratios)
 *
 * Targets are printed beside the figures ("MISS" when one is missed); the exit code is non-zero only when the
 * bench itself fails.
 */
import type { Browser, Page } from '@playwright/test'
import { launchChromium } from './support/browser'
import { formatMb, formatMs, heading, percentile, print, printTable, ratio, verdict } from './support/report'
import { ensureBuilt, startServer } from './support/server'

const LARGE = 20_000
const SMALL = 200
const TARGET_ROWS_MS = 500
const TARGET_INTERACTION_MS = 50
const TARGET_DOM_ROWS = 300
const TARGET_SERVER_RSS = 150_000_000
/** Event Timing reports only events that took at least this long; shorter interactions count as this much. */
const EVENT_THRESHOLD_MS = 16
const FILTER_TEXT = 'llm-eval'
const SORT_COLUMNS = ['State', 'Machine type', 'GPU', 'Region', 'CPUs', 'RAM', 'Public IP', 'Last run', 'Name']

interface Figures {
  machines: number
  /** navigation start → first row in the DOM */
  loadToRowsMs: number
  /** last list page's response end → first row in the DOM */
  lastPageToRowsMs: number
  /** … → the frame after that */
  lastPageToFrameMs: number
  listRequests: number
  typeP75Ms: number
  typeReported: number
  typeInteractions: number
  sortP75Ms: number
  sortReported: number
  sortInteractions: number
  /** click → table shows the new order, p75 */
  sortSettledP75Ms: number
  domRows: number
  domElements: number
  heapUsed: number
  serverIdleRss: number | undefined
  serverRss: number | undefined
}

interface PageProbe {
  rowsAt: number | null
  rowsFrameAt: number | null
  events: { name: string; start: number; duration: number; id: number; processing: number; delay: number }[]
}

declare global {
  interface Window {
    __bench?: PageProbe
  }
}

/** Runs in the page before its scripts: notes when the first row appears and every slow event. */
function installProbe(threshold: number): void {
  const probe: PageProbe = { rowsAt: null, rowsFrameAt: null, events: [] }
  window.__bench = probe
  performance.setResourceTimingBufferSize(5_000)
  const rows = new MutationObserver(() => {
    if (!document.querySelector('tbody tr[aria-rowindex]')) return
    probe.rowsAt = performance.now()
    rows.disconnect()
    requestAnimationFrame(() =>
      setTimeout(() => {
        probe.rowsFrameAt = performance.now()
      }),
    )
  })
  rows.observe(document, { childList: true, subtree: true })
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEventTiming & { interactionId: number })[]) {
      probe.events.push({
        name: entry.name,
        start: entry.startTime,
        duration: entry.duration,
        id: entry.interactionId,
        processing: entry.processingEnd - entry.processingStart,
        delay: entry.processingStart - entry.startTime,
      })
    }
  }).observe({ type: 'event', durationThreshold: threshold, buffered: true } as PerformanceObserverInit)
}

const now = (page: Page) => page.evaluate(() => performance.now())

/** p75 latency of the interactions started between `from` and `to`; unreported ones count as the threshold. */
async function interactionP75(page: Page, from: number, to: number, performed: number) {
  const events = await page.evaluate(() => window.__bench?.events ?? [])
  const byInteraction = new Map<number, number>()
  for (const event of events) {
    if (event.id === 0 || event.start < from || event.start > to) continue
    byInteraction.set(event.id, Math.max(byInteraction.get(event.id) ?? 0, event.duration))
  }
  const latencies = [...byInteraction.values()]
  const unreported = Math.max(0, performed - latencies.length)
  for (let i = 0; i < unreported; i++) latencies.push(EVENT_THRESHOLD_MS)
  return { p75: percentile(latencies, 75), reported: byInteraction.size }
}

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('table[aria-busy]'), undefined, { timeout: 60_000 })
  await page.waitForTimeout(300)
}

async function measureFleet(browser: Browser, machines: number, staticDir: string): Promise<Figures> {
  const server = await startServer({ SIM_MACHINES: String(machines), SIM_SEED: '7', STATIC_DIR: staticDir })
  const serverIdleRss = server.rss()
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  try {
    await context.addInitScript(installProbe, EVENT_THRESHOLD_MS)
    const page = await context.newPage()
    await page.goto(`${server.url}/machines`, { waitUntil: 'commit' })
    await page.locator('tbody tr[aria-rowindex]').first().waitFor({ timeout: 180_000 })
    await page.waitForFunction(() => window.__bench?.rowsFrameAt !== null, undefined, { timeout: 10_000 })
    const load = await page.evaluate(() => {
      const probe = window.__bench
      const rowsAt = probe?.rowsAt ?? Number.NaN
      const lists = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
        (entry) => entry.name.includes('/api/v1/machines?') && entry.responseEnd <= rowsAt,
      )
      const lastPage = Math.max(...lists.map((entry) => entry.responseEnd))
      return {
        rowsAt,
        lastPageToRows: rowsAt - lastPage,
        lastPageToFrame: (probe?.rowsFrameAt ?? Number.NaN) - lastPage,
        listRequests: lists.length,
      }
    })
    await page.waitForTimeout(500)
    const serverRss = server.rss()

    // Typing in the filter, a key at a time, then deleting it again.
    const box = page.getByRole('searchbox', { name: 'Filter machines' })
    await box.click()
    await settle(page)
    const typeFrom = await now(page)
    await box.pressSequentially(FILTER_TEXT, { delay: 120 })
    await settle(page)
    for (let i = 0; i < FILTER_TEXT.length; i++) {
      await page.keyboard.press('Backspace')
      await page.waitForTimeout(120)
    }
    await settle(page)
    const typeTo = await now(page)
    const typeInteractions = FILTER_TEXT.length * 2
    const typing = await interactionP75(page, typeFrom, typeTo, typeInteractions)

    // Sorting by each column, waiting for the table to show the new order each time.
    const sortFrom = await now(page)
    const settled: number[] = []
    for (const column of SORT_COLUMNS) {
      // The headers' aria-sort follows the order the rows are shown in, once the table has caught up.
      const before = await page.evaluate(() =>
        [...document.querySelectorAll('th')].map((th) => th.getAttribute('aria-sort') ?? '').join(','),
      )
      const clickedAt = await now(page)
      await page.getByRole('button', { name: column, exact: true }).click()
      await page.waitForFunction(
        (previous) =>
          !document.querySelector('table[aria-busy]') &&
          [...document.querySelectorAll('th')].map((th) => th.getAttribute('aria-sort') ?? '').join(',') !== previous,
        before,
        { timeout: 60_000, polling: 'raf' },
      )
      settled.push((await now(page)) - clickedAt)
      await page.waitForTimeout(300)
    }
    const sortTo = await now(page)
    const sorting = await interactionP75(page, sortFrom, sortTo, SORT_COLUMNS.length)

    const dom = await page.evaluate(() => ({
      rows: document.querySelectorAll('tbody tr').length,
      elements: document.getElementsByTagName('*').length,
    }))
    const cdp = await context.newCDPSession(page)
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('Performance.enable')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const heapUsed = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? Number.NaN

    return {
      machines,
      loadToRowsMs: load.rowsAt,
      lastPageToRowsMs: load.lastPageToRows,
      lastPageToFrameMs: load.lastPageToFrame,
      listRequests: load.listRequests,
      typeP75Ms: typing.p75,
      typeReported: typing.reported,
      typeInteractions,
      sortP75Ms: sorting.p75,
      sortReported: sorting.reported,
      sortInteractions: SORT_COLUMNS.length,
      sortSettledP75Ms: percentile(settled, 75),
      domRows: dom.rows,
      domElements: dom.elements,
      heapUsed,
      serverIdleRss,
      serverRss,
    }
  } finally {
    await context.close()
    await server.stop()
  }
}

function machinesArgument(): number[] {
  const index = process.argv.indexOf('--machines')
  if (index === -1) return [SMALL, LARGE]
  const value = Number(process.argv[index + 1])
  if (!Number.isInteger(value) || value < 0 || value > LARGE) throw new Error(`--machines must be 0..${LARGE}`)
  return [value]
}

async function main(): Promise<void> {
  const staticDir = ensureBuilt()
  const sizes = machinesArgument()
  const browser = await launchChromium()
  const results: Figures[] = []
  try {
    for (const machines of sizes) {
      print(`Measuring the list with ${machines.toLocaleString('en')} machines…`)
      results.push(await measureFleet(browser, machines, staticDir))
    }
  } finally {
    await browser.close()
  }

  const small = results.find((r) => r.machines === SMALL && sizes.length > 1)
  const large = results.find((r) => r.machines === LARGE) ?? results[results.length - 1]
  if (!large) return
  const columns = small ? [small, large] : [large]
  type Row = [string, (f: Figures) => number | undefined, (v: number | undefined) => string, string, string]
  const rows: Row[] = [
    ['navigation → first rows', (f) => f.loadToRowsMs, formatMs, '', ''],
    ['list requests', (f) => f.listRequests, (v) => String(v ?? 'n/a'), '', ''],
    [
      'last list page → first rows in DOM',
      (f) => f.lastPageToRowsMs,
      formatMs,
      `≤ ${TARGET_ROWS_MS} ms`,
      verdict(large.lastPageToRowsMs, TARGET_ROWS_MS),
    ],
    ['last list page → next frame', (f) => f.lastPageToFrameMs, formatMs, '', ''],
    [
      `typing in the filter, p75 (${large.typeInteractions} keys)`,
      (f) => f.typeP75Ms,
      formatMs,
      `≤ ${TARGET_INTERACTION_MS} ms`,
      verdict(large.typeP75Ms, TARGET_INTERACTION_MS),
    ],
    [
      `sorting, p75 (${large.sortInteractions} clicks)`,
      (f) => f.sortP75Ms,
      formatMs,
      `≤ ${TARGET_INTERACTION_MS} ms`,
      verdict(large.sortP75Ms, TARGET_INTERACTION_MS),
    ],
    ['sort click → new order shown, p75', (f) => f.sortSettledP75Ms, formatMs, '', ''],
    [
      'row elements in the DOM',
      (f) => f.domRows,
      (v) => String(v ?? 'n/a'),
      `≤ ${TARGET_DOM_ROWS}`,
      verdict(large.domRows, TARGET_DOM_ROWS),
    ],
    ['DOM elements', (f) => f.domElements, (v) => String(v ?? 'n/a'), '', ''],
    ['browser JS heap used (after GC)', (f) => f.heapUsed, (v) => (v === undefined ? 'n/a' : formatMb(v)), '', ''],
    [
      'server RSS at start (fleet generated)',
      (f) => f.serverIdleRss,
      (v) => (v === undefined ? 'n/a' : formatMb(v)),
      '',
      '',
    ],
    [
      'server RSS after the list load',
      (f) => f.serverRss,
      (v) => (v === undefined ? 'n/a' : formatMb(v)),
      `≤ ${formatMb(TARGET_SERVER_RSS)}`,
      verdict(large.serverRss, TARGET_SERVER_RSS),
    ],
  ]
  heading('Machines list in Chromium')
  const fleetHeader = columns.map((f) => `${f.machines.toLocaleString('en')} machines`)
  printTable(
    ['figure', ...fleetHeader, ...(small ? ['ratio'] : []), 'target', 'verdict'],
    rows.map(([name, pick, format, target, verdictText]) => [
      name,
      ...columns.map((f) => format(pick(f))),
      ...(small ? [ratio(pick(large), pick(small))] : []),
      target,
      verdictText,
    ]),
  )
  print(
    `\nEvent Timing reports events of ${EVENT_THRESHOLD_MS} ms or more; an interaction with no entry counts as ` +
      `${EVENT_THRESHOLD_MS} ms. Reported: typing ${large.typeReported}/${large.typeInteractions}, sorting ` +
      `${large.sortReported}/${large.sortInteractions} (${large.machines.toLocaleString('en')} machines).` +
      ' Targets are checked on the largest fleet.',
  )
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})

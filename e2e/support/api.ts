/**
 * The API as the app sees it, for specs that look things up directly: answers pass through the app's own normalizer,
 * so a spec reads the contract's shapes whether the server's simulator speaks the contract's dialect or the live
 * service's. Reads the API rate-limits (429) are tried again, as the app does.
 */
import { type APIRequestContext, expect } from '@playwright/test'
import { normalizeBody } from '../../src/api/normalize'

/** The contract's path templates, most specific first. */
const TEMPLATES = [
  '/machines/{id}/accessors/{userId}',
  '/machines/{id}/accessors',
  '/machines/{id}/desktop',
  '/machines/{id}/start',
  '/machines/{id}/stop',
  '/machines/{id}/restart',
  '/machines/{id}',
  '/machines',
  '/machine-events/{id}',
  '/machine-events',
  '/machine-availability',
] as const

function matchTemplate(pathname: string): { schemaPath: string; path: Record<string, string> } {
  for (const template of TEMPLATES) {
    const names: string[] = []
    const pattern = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    const match = new RegExp(`^${pattern}$`).exec(pathname)
    if (match) {
      return {
        schemaPath: template,
        path: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')])),
      }
    }
  }
  return { schemaPath: pathname, path: {} }
}

/** GET `/api/v1<path>`, expecting success; the body in the contract's shape. */
export async function apiGet<T>(request: APIRequestContext, path: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await request.get(`/api/v1${path}`)
    if (response.status() === 429 && attempt < 3) {
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      continue
    }
    expect(response.ok(), `GET ${path} → ${response.status()}`).toBe(true)
    const { schemaPath, path: params } = matchTemplate(new URL(path, 'http://x').pathname)
    return normalizeBody({ method: 'GET', schemaPath, params: { path: params } }, await response.json()) as T
  }
}

interface AccessorPage<T> {
  items: T[]
  hasMore: boolean
  nextPage?: string
}

/** Everyone with access to a machine, as the app reads them: every page followed (the live service pages them). */
export async function apiAccessors<T extends { userId?: string }>(
  request: APIRequestContext,
  id: string,
): Promise<T[]> {
  const all: T[] = []
  let after: string | undefined
  for (let pages = 0; pages < 50; pages++) {
    const page = await apiGet<AccessorPage<T>>(
      request,
      `/machines/${id}/accessors${after ? `?after=${encodeURIComponent(after)}` : ''}`,
    )
    all.push(...page.items)
    if (!page.hasMore || !page.nextPage) break
    after = page.nextPage
  }
  return all
}

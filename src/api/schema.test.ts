import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import { describe, expect, it } from 'vitest'

// Paths from the project root (vitest's working directory): under jsdom, import.meta.url is not a file URL.
const fromRoot = (path: string) => join(process.cwd(), path)

describe('src/api/schema.d.ts', () => {
  it('is what openapi-typescript makes of openapi/paperspace-machines.yml today', async () => {
    const spec = await readFile(fromRoot('openapi/paperspace-machines.yml'), 'utf8')
    const expected = astToString(await openapiTS(spec))
    const committed = await readFile(fromRoot('src/api/schema.d.ts'), 'utf8')
    const body = (text: string) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim()
    expect(body(committed), 'schema.d.ts is stale: run `npm run gen:api` and commit it').toBe(body(expected))
  })
})

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ID_PATTERN, methodsByPattern, operations, toRoutePath } from './operations'

interface Spec {
  paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>>
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'])

/** The method + path pairs of an OpenAPI file in `openapi/`, as allowlist entries. */
function operationsOf(file: string) {
  const spec = parse(readFileSync(resolve(import.meta.dirname, '..', 'openapi', file), 'utf8')) as Spec
  return Object.entries(spec.paths).flatMap(([pattern, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        pattern,
        hasBody: operation.requestBody !== undefined,
      })),
  )
}

const byId = (a: { operationId?: string }, b: { operationId?: string }) =>
  (a.operationId ?? '').localeCompare(b.operationId ?? '')

describe('the operation allowlist', () => {
  it('is exactly the contract’s 16 operations and the two reads of the extras, same ids, bodies where due', () => {
    const fromContract = operationsOf('paperspace-machines.yml')
    const fromExtras = operationsOf('paperspace-extras.yml')
    expect(fromContract).toHaveLength(16)
    expect(fromExtras.map((o) => `${o.method} ${o.pattern}`).sort()).toEqual([
      'GET /auth/session',
      'GET /teams/{teamId}/users',
    ])
    expect(fromExtras.every((o) => !o.hasBody)).toBe(true)
    expect([...operations].sort(byId)).toEqual([...fromContract, ...fromExtras].sort(byId))
  })

  it('accepts Paperspace-style ids and nothing that could change a path', () => {
    for (const id of ['psm9u09bwu5i', 'ur7p0nb7n', 't0nspur5', 'a_b-C', 'x'.repeat(64)]) {
      expect(ID_PATTERN.test(id), id).toBe(true)
    }
    for (const id of ['', '..', 'a/b', 'a b', 'a%2f', 'a.b', 'x'.repeat(65), 'é', 'a\nb']) {
      expect(ID_PATTERN.test(id), id).toBe(false)
    }
  })

  it('turns contract paths into router paths with validated parameters', () => {
    expect(toRoutePath('/machines/{id}/accessors/{userId}')).toBe(
      '/machines/:id(^[A-Za-z0-9_-]{1,64}$)/accessors/:userId(^[A-Za-z0-9_-]{1,64}$)',
    )
    expect(methodsByPattern().get('/machines/{id}')).toEqual(['GET', 'PUT', 'DELETE'])
  })
})

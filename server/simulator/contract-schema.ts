// The response schemas of the contract, and of the extra reads beyond it (openapi/paperspace-extras.yml), as Ajv
// validators, for the tests that check answers against them (test-only: it is loaded through the test runner):
// `strict` forbids properties beyond the listed ones (the simulator sends exactly those),
// `published` is the schema as written, where extra properties are allowed (what a normalised live answer keeps).
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
// Read through the test runner (Vite's `?raw`), so the same module works in Node and in the jsdom web tests.
import extrasText from '../../openapi/paperspace-extras.yml?raw'
import specText from '../../openapi/paperspace-machines.yml?raw'

type Json = Record<string, unknown>

interface SpecOperation {
  operationId: string
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Json }> }>
}

interface Spec {
  paths: Record<string, Record<string, SpecOperation | unknown>>
  components: {
    schemas: Record<string, Json>
    responses?: Record<string, { content?: Record<string, { schema: Json }> }>
  }
}

export type SchemaMode = 'strict' | 'published'

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** A copy of a schema whose refs point into the registered spec `id`; `strict` also closes every object. */
function prepared(schema: unknown, mode: SchemaMode, id: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => prepared(item, mode, id))
  if (typeof schema !== 'object' || schema === null) return schema
  const copy: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === '$ref' && typeof value === 'string' ? value.replace(/^#/, `${id}#`) : prepared(value, mode, id)
  }
  if (mode === 'strict' && copy.type === 'object' && copy.additionalProperties === undefined) {
    copy.additionalProperties = false
  }
  return copy
}

export const ajv = new Ajv({ allErrors: true, strict: true })
addFormats(ajv)
ajv.addKeyword('components')

export interface SpecSchemas {
  /** Every operation of the spec: method (upper case), path as written, and its definition. */
  specOperations: Array<{ path: string; method: string; operation: SpecOperation }>
  /** The validator of an operation's answer with that status, or null when the spec gives it no body. */
  responseValidator(operationId: string, status: number, mode?: SchemaMode): ValidateFunction | null
  /** The spec's success status of an operation (200, 201 or 204). */
  successStatus(operationId: string): number
}

function specSchemas(text: string, id: string, name: string): SpecSchemas {
  const spec = parse(text) as Spec
  const specOperations = Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as SpecOperation })),
  )
  const ids = { strict: `${id}-strict`, published: `${id}-published` }
  for (const mode of ['strict', 'published'] as const) {
    ajv.addSchema({ $id: ids[mode], components: prepared(spec.components, mode, ids[mode]) })
  }
  const find = (operationId: string) => {
    const found = specOperations.find((o) => o.operation.operationId === operationId)
    if (!found) throw new Error(`${operationId} is not in the ${name}`)
    return found
  }
  const validators = new Map<string, ValidateFunction | null>()
  return {
    specOperations,
    responseValidator(operationId, status, mode = 'strict') {
      const key = `${operationId} ${status} ${mode}`
      if (!validators.has(key)) {
        let response = find(operationId).operation.responses[String(status)]
        if (!response) throw new Error(`${operationId} has no ${status} response in the ${name}`)
        const shared = response.$ref?.replace('#/components/responses/', '')
        if (shared !== undefined) response = spec.components.responses?.[shared] ?? {}
        const schema = response.content?.['application/json']?.schema
        validators.set(key, schema ? ajv.compile(prepared(schema, mode, ids[mode]) as Json) : null)
      }
      return validators.get(key) ?? null
    },
    successStatus(operationId) {
      const status = Object.keys(find(operationId).operation.responses)
        .map(Number)
        .find((code) => code >= 200 && code < 300)
      if (status === undefined) throw new Error(`${operationId} has no success response in the ${name}`)
      return status
    },
  }
}

const contract = specSchemas(specText, 'contract', 'contract')

/** The contract's operations. */
export const specOperations = contract.specOperations
/** The validator of a contract operation's answer with that status, or null when the contract gives it no body. */
export const responseValidator = contract.responseValidator
/** The contract's success status of an operation (200, 201 or 204). */
export const successStatus = contract.successStatus

/** The same for the reads beyond the contract (`getAuthSession`, `listTeamUsers`). */
export const extras = specSchemas(extrasText, 'extras', 'extras spec')

/** `{ code, message }` and nothing else. */
export const validateError = ajv.compile({
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: false,
})

// The contract's response schemas as Ajv validators, for the tests that check answers against the contract
// (test-only: it is loaded through the test runner):
// `strict` forbids properties beyond the listed ones (the simulator's contract dialect sends exactly those),
// `published` is the schema as written, where extra properties are allowed (what a normalised live answer keeps).
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
// Read through the test runner (Vite's `?raw`), so the same module works in Node and in the jsdom web tests.
import specText from '../../openapi/paperspace-machines.yml?raw'

type Json = Record<string, unknown>

interface SpecOperation {
  operationId: string
  responses: Record<string, { content?: Record<string, { schema: Json }> }>
}

export type SchemaMode = 'strict' | 'published'

const spec = parse(specText) as {
  paths: Record<string, Record<string, SpecOperation | unknown>>
  components: { schemas: Record<string, Json> }
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** Every operation of the contract: method (upper case), path as written, and its definition. */
export const specOperations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => HTTP_METHODS.includes(method))
    .map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as SpecOperation })),
)

/** A copy of a schema whose refs point into the registered spec `id`; `strict` also closes every object. */
function prepared(schema: unknown, mode: SchemaMode): unknown {
  if (Array.isArray(schema)) return schema.map((item) => prepared(item, mode))
  if (typeof schema !== 'object' || schema === null) return schema
  const copy: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === '$ref' && typeof value === 'string' ? value.replace(/^#/, `${mode}#`) : prepared(value, mode)
  }
  if (mode === 'strict' && copy.type === 'object' && copy.additionalProperties === undefined) {
    copy.additionalProperties = false
  }
  return copy
}

export const ajv = new Ajv({ allErrors: true, strict: true })
addFormats(ajv)
ajv.addKeyword('components')
for (const mode of ['strict', 'published'] as const) {
  ajv.addSchema({ $id: mode, components: prepared(spec.components, mode) })
}

const validators = new Map<string, ValidateFunction | null>()

/** The validator of an operation's answer with that status, or null when the contract gives it no body. */
export function responseValidator(
  operationId: string,
  status: number,
  mode: SchemaMode = 'strict',
): ValidateFunction | null {
  const key = `${operationId} ${status} ${mode}`
  if (!validators.has(key)) {
    const found = specOperations.find((o) => o.operation.operationId === operationId)
    if (!found) throw new Error(`${operationId} is not in the contract`)
    const response = found.operation.responses[String(status)]
    if (!response) throw new Error(`${operationId} has no ${status} response in the contract`)
    const schema = response.content?.['application/json']?.schema
    validators.set(key, schema ? ajv.compile(prepared(schema, mode) as Json) : null)
  }
  return validators.get(key) ?? null
}

/** The contract's success status of an operation (200, 201 or 204). */
export function successStatus(operationId: string): number {
  const found = specOperations.find((o) => o.operation.operationId === operationId)
  if (!found) throw new Error(`${operationId} is not in the contract`)
  const status = Object.keys(found.operation.responses)
    .map(Number)
    .find((code) => code >= 200 && code < 300)
  if (status === undefined) throw new Error(`${operationId} has no success response in the contract`)
  return status
}

/** `{ code, message }` and nothing else. */
export const validateError = ajv.compile({
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: false,
})

/**
 * Fault injection: make chosen operations slow, fail, rate-limit or answer with an HTML page (as a WAF in front
 * of the live service sometimes does). Draws come from a seeded generator, so a given rule set and request
 * sequence always misbehave the same way.
 *
 * Text format (SIM_FAULTS): rules separated by `;`, each `kind` or `kind:key=value,key=value`.
 *   kinds        latency | error | rate-limit | html
 *   rate=0.1     share of matching requests affected, 0..1 (default 1)
 *   ops=a|b      operation ids the rule applies to, e.g. listMachines|getMachine (default: all)
 *   ms=300       latency only: added delay in milliseconds (default 500)
 *   status=503   error only: HTTP status, 400..599 (default 500)
 *   retryAfter=5 rate-limit only: seconds sent in Retry-After (default 10)
 * Example:
 *   latency:ms=300;error:status=500,rate=0.1,ops=listMachines|getMachine;rate-limit:retryAfter=5,rate=0.05;html:rate=0.1
 *
 * Latency rules add up; of the other rules the first one that fires decides the answer.
 */
import { isOperationId, OPERATION_IDS } from './operations'
import { mulberry32, type Rng } from './random'

export const FAULT_KINDS = ['latency', 'error', 'rate-limit', 'html'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface FaultRule {
  kind: FaultKind
  /** share of matching requests affected, 0..1 (default 1) */
  rate?: number
  /** operation ids (default: all) */
  operations?: string[]
  /** latency: added delay in ms (default 500) */
  ms?: number
  /** error: HTTP status (default 500) */
  status?: number
  /** rate-limit: seconds in Retry-After (default 10) */
  retryAfter?: number
}

export type FaultOutcome =
  | { kind: 'error'; status: number }
  | { kind: 'rate-limit'; retryAfter: number }
  | { kind: 'html' }

export interface FaultDecision {
  delayMs: number
  outcome: FaultOutcome | null
}

export const DEFAULT_LATENCY_MS = 500
export const DEFAULT_ERROR_STATUS = 500
export const DEFAULT_RETRY_AFTER = 10
const MAX_LATENCY_MS = 120_000

const KEYS_BY_KIND: Record<FaultKind, readonly string[]> = {
  latency: ['rate', 'ops', 'ms'],
  error: ['rate', 'ops', 'status'],
  'rate-limit': ['rate', 'ops', 'retryAfter'],
  html: ['rate', 'ops'],
}

const isFaultKind = (value: string): value is FaultKind => (FAULT_KINDS as readonly string[]).includes(value)

function integerIn(value: number | undefined, min: number, max: number, what: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`Invalid fault rule: ${what} must be an integer between ${min} and ${max}, got ${value}.`)
  }
}

/** Checks a rule set; throws an Error naming the first problem. Returns the rules unchanged. */
export function validateFaults(rules: readonly FaultRule[]): FaultRule[] {
  for (const rule of rules) {
    if (!isFaultKind(rule.kind)) {
      throw new Error(`Invalid fault rule: kind must be one of ${FAULT_KINDS.join(', ')}, got ${String(rule.kind)}.`)
    }
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
      throw new Error(`Invalid fault rule: rate must be a number between 0 and 1, got ${rule.rate}.`)
    }
    for (const operation of rule.operations ?? []) {
      if (!isOperationId(operation)) {
        throw new Error(`Invalid fault rule: unknown operation ${operation}. Known: ${OPERATION_IDS.join(', ')}.`)
      }
    }
    integerIn(rule.ms, 0, MAX_LATENCY_MS, 'ms')
    integerIn(rule.status, 400, 599, 'status')
    integerIn(rule.retryAfter, 0, 86_400, 'retryAfter')
  }
  return [...rules]
}

function parseNumber(key: string, raw: string): number {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new Error(`Invalid fault rule: ${key} must be a number, got "${raw}".`)
  }
  return value
}

/** Parses the SIM_FAULTS text format described at the top of this file. Empty text means no faults. */
export function parseFaults(text: string): FaultRule[] {
  const rules: FaultRule[] = []
  for (const chunk of text.split(';')) {
    const part = chunk.trim()
    if (part === '') continue
    const colon = part.indexOf(':')
    const kind = (colon === -1 ? part : part.slice(0, colon)).trim()
    if (!isFaultKind(kind)) {
      throw new Error(`Invalid fault rule "${part}": kind must be one of ${FAULT_KINDS.join(', ')}.`)
    }
    const rule: FaultRule = { kind }
    const settings = colon === -1 ? '' : part.slice(colon + 1)
    for (const pair of settings.split(',')) {
      if (pair.trim() === '') continue
      const [rawKey, rawValue, ...rest] = pair.split('=')
      const key = rawKey?.trim() ?? ''
      const value = rawValue?.trim()
      if (value === undefined || rest.length > 0)
        throw new Error(`Invalid fault rule "${part}": expected key=value, got "${pair}".`)
      if (!KEYS_BY_KIND[kind].includes(key)) {
        throw new Error(`Invalid fault rule "${part}": ${kind} takes ${KEYS_BY_KIND[kind].join(', ')}, not "${key}".`)
      }
      if (key === 'ops')
        rule.operations = value
          .split('|')
          .map((op) => op.trim())
          .filter(Boolean)
      else if (key === 'rate') rule.rate = parseNumber(key, value)
      else if (key === 'ms') rule.ms = parseNumber(key, value)
      else if (key === 'status') rule.status = parseNumber(key, value)
      else rule.retryAfter = parseNumber(key, value)
    }
    rules.push(rule)
  }
  return validateFaults(rules)
}

/** Holds the active rules and decides, per request, what goes wrong. */
export class FaultInjector {
  private rules: FaultRule[] = []
  private rng: Rng

  constructor(
    private readonly seed: number,
    rules: readonly FaultRule[] = [],
  ) {
    this.rng = mulberry32(seed)
    this.set(rules)
  }

  /** Replaces the rules and restarts the draws, so the same rules misbehave the same way each time. */
  set(rules: readonly FaultRule[]): void {
    this.rules = validateFaults(rules)
    this.rng = mulberry32(this.seed)
  }

  clear(): void {
    this.set([])
  }

  get active(): readonly FaultRule[] {
    return this.rules
  }

  decide(operationId: string): FaultDecision {
    let delayMs = 0
    for (const rule of this.rules) {
      if (rule.operations && rule.operations.length > 0 && !rule.operations.includes(operationId)) continue
      if (this.rng() >= (rule.rate ?? 1)) continue
      switch (rule.kind) {
        case 'latency':
          delayMs += rule.ms ?? DEFAULT_LATENCY_MS
          break
        case 'error':
          return { delayMs, outcome: { kind: 'error', status: rule.status ?? DEFAULT_ERROR_STATUS } }
        case 'rate-limit':
          return { delayMs, outcome: { kind: 'rate-limit', retryAfter: rule.retryAfter ?? DEFAULT_RETRY_AFTER } }
        case 'html':
          return { delayMs, outcome: { kind: 'html' } }
      }
    }
    return { delayMs, outcome: null }
  }
}

// Who a Paperspace key belongs to (`GET /auth/session` of the live service, and of the simulator), and who acts
// through this server: the signed-in admin, the person an SSO proxy names, or the owner of the server's key.
import type { FastifyRequest } from 'fastify'
import type { Actor, ActorVia } from './store/audit'

export interface Person {
  id: string | null
  email: string | null
  name: string | null
}

export interface TeamInfo {
  id: string
  /** The team's namespace, when the service gives one. */
  name: string | null
}

export interface KeyOwner {
  user: Person | null
  team: TeamInfo | null
}

const USER_AGENT = 'paperspace-fleet/0.1 (+identity)'
/** An owner found is kept this long; a failed look-up is tried again after `RETRY_MS`. */
const OWNER_TTL_MS = 10 * 60_000
const RETRY_MS = 30_000

/** Asks the API who `apiKey` belongs to; null when it cannot say (no such endpoint, an error, a timeout). */
export async function fetchKeyOwner(upstreamUrl: string, apiKey: string, timeoutMs: number): Promise<KeyOwner | null> {
  try {
    const response = await fetch(`${upstreamUrl}/auth/session`, {
      headers: { accept: 'application/json', authorization: `Bearer ${apiKey}`, 'user-agent': USER_AGENT },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) {
      await response.body?.cancel()
      return null
    }
    return parseKeyOwner(await response.json())
  } catch {
    return null
  }
}

const text = (value: unknown, max = 300): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null

/** The `{user, team}` of an `/auth/session` answer, tolerating missing parts (the answer may be `null`). */
export function parseKeyOwner(body: unknown): KeyOwner {
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  const user = record(record(body)?.user)
  const team = record(record(body)?.team)
  const name = [text(user?.firstName), text(user?.lastName)].filter((part) => part !== null).join(' ')
  const teamId = text(team?.id ?? (typeof team?.id === 'number' ? String(team.id) : undefined))
  return {
    user: user === undefined ? null : { id: text(user.id), email: text(user.email), name: name === '' ? null : name },
    team: teamId === null ? null : { id: teamId, name: text(team?.namespace) ?? text(team?.name) },
  }
}

/** Who owns the server's key, looked up when first needed and then every ten minutes. */
export function keyOwnerCache(lookup: () => Promise<KeyOwner | null>, now: () => number) {
  let cached: { value: KeyOwner | null; until: number } | undefined
  let pending: Promise<KeyOwner | null> | undefined
  return (): Promise<KeyOwner | null> => {
    if (cached !== undefined && cached.until > now()) return Promise.resolve(cached.value)
    pending ??= lookup().then((value) => {
      cached = { value, until: now() + (value === null ? RETRY_MS : OWNER_TTL_MS) }
      pending = undefined
      return value
    })
    return pending
  }
}

/** The person named by a trusted SSO proxy's header (an email or a user name), or null. */
export function ssoPerson(request: FastifyRequest, header: string | null): Person | null {
  if (header === null) return null
  const raw = request.headers[header]
  const value = text(Array.isArray(raw) ? raw[0] : raw, 320)
  if (value === null) return null
  return value.includes('@') ? { id: null, email: value, name: null } : { id: null, email: null, name: value }
}

export function actorOf(person: Person | null, via: ActorVia): Actor {
  return { id: person?.id ?? null, email: person?.email ?? null, name: person?.name ?? null, via }
}

import helmet from '@fastify/helmet'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { createAuditTrail } from './audit-trail'
import { type Config, isLoopback, type Secret } from './config'
import { type LocalUpstream, startDemoUpstream } from './demo-upstream'
import { handleClientError, handleError, sendError, writeRawError } from './errors'
import { registerFleetApi } from './fleet-api'
import { registerGuardApi } from './guard-api'
import { actorOf, fetchKeyOwner, keyOwnerCache, ssoPerson } from './identity'
import { AccessLog, type LogStream, loggerOptions } from './logger'
import { BODY_LIMIT, registerProxy } from './proxy'
import { bodyGuard, createRequestGuard, pathOf } from './request-guard'
import { API_HEADERS, HELMET_OPTIONS } from './security-headers'
import { type CredentialFor, registerSessions, registerSignInDisabled, type Sessions } from './session'
import { isSpaNavigation, registerStaticSite, serveIndex } from './static-site'
import { markAbandoned, pruneAudit } from './store/audit'
import { openStore, type Store } from './store/open'
import { pruneSessions } from './store/sessions'

/**
 * Where the proxy sends calls: Paperspace in live and sign-in modes, the loopback simulator in demo mode; with
 * the server's key, or none (sign-in mode: each admin's own).
 */
type ProxyTarget = { url: string; apiKey: Secret | null }

/** Bodies are at most 64 KiB: anything slower than this to arrive is not a browser on a bad line but an attack. */
const REQUEST_TIMEOUT_MS = 30_000

export interface BuildOptions {
  /** Log destination (stdout by default). */
  logStream?: LogStream
  /** Origins besides the server's own allowed to make state-changing calls (the Vite dev server). */
  extraOrigins?: readonly string[]
  /** Current time in ms for session expiry (default `Date.now`); tests move it. */
  now?: () => number
  /**
   * The store to use instead of opening `config.store` (tests share one between two servers, as replicas share a
   * database); the caller closes it.
   */
  store?: Store
}

/** How often the store's housekeeping runs (abandoned audit entries, retention). */
const HOUSEKEEPING_MS = 60 * 60_000

/**
 * The whole server: request guard, `/api/meta`, sign-in (`/auth/session`, sign-in mode only), the allowlisted
 * proxy to Paperspace, and the static SPA with its security headers. In demo mode (no key, no URL) it first
 * starts the simulator on a loopback port and proxies to it exactly as it would to Paperspace. Closing the
 * server closes the simulator too.
 */
export async function buildServer(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const accessLog = new AccessLog()
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    logController: accessLog,
    bodyLimit: BODY_LIMIT,
    // TRUST_PROXY=true trusts one hop: the client is the address the proxy appended to X-Forwarded-For (the last
    // one), not the first, which the client itself may have sent.
    trustProxy: trustProxyOption(config),
    // A request (headers and body) must arrive within this time; slower ones get 408 (see handleClientError).
    requestTimeout: REQUEST_TIMEOUT_MS,
    return503OnClosing: true,
    // Paths the router cannot decode (`%zz`) or parameters over its length limit. Neither hooks nor the log
    // controller's completion line run for these, so both are done here.
    frameworkErrors: (_error, request, reply) => {
      reply.raw.once('finish', () => accessLog.requestCompleted(null, request, reply))
      sendError(reply.headers(API_HEADERS), 400, 'BAD_PATH', 'The request path is not valid.')
    },
    clientErrorHandler: handleClientError,
  })

  accessLog.attach(app.log)

  const store = options.store ?? (await openStore(config.store))
  if (options.store === undefined) app.addHook('onClose', async () => store.close())
  const now = options.now ?? Date.now
  const housekeeping = () =>
    keepStore(store, config, now()).catch((error: unknown) =>
      app.log.error({ err: error }, 'store housekeeping failed'),
    )
  await housekeeping()
  const timer = setInterval(housekeeping, HOUSEKEEPING_MS)
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))

  let demo: LocalUpstream | undefined
  let target: ProxyTarget
  if (config.upstream.mode === 'demo') {
    demo = await startDemoUpstream(config.upstream.simulator)
    app.addHook('onClose', async () => demo?.close())
    target = demo
  } else if (config.upstream.mode === 'live') {
    target = config.upstream
  } else {
    target = { url: config.upstream.url, apiKey: null }
  }
  try {
    await addRoutes(app, config, { ...options, now, store }, target)
  } catch (error) {
    await demo?.close()
    if (options.store === undefined) await store.close()
    throw error
  }
  return app
}

/** Fastify's `trustProxy`: the nearest hop only for `true`, else the listed addresses (or nobody). */
function trustProxyOption(config: Config): string | boolean | ((address: string, hop: number) => boolean) {
  const { trustProxy } = config
  return trustProxy === true ? (_address: string, hop: number) => hop === 0 : trustProxy
}

/**
 * Entries whose answer never came (the process stopped mid-call) become "outcome unknown" once they are older than
 * any call can take; audit entries past AUDIT_RETENTION_DAYS and sessions ended a day ago are deleted.
 */
export async function keepStore(store: Store, config: Config, at: number): Promise<void> {
  await markAbandoned(store.db, new Date(at - config.upstreamTimeoutMs - 60_000), new Date(at))
  await pruneAudit(store.db, new Date(at - config.auditRetentionDays * 86_400_000))
  await pruneSessions(store.db, new Date(at - 86_400_000))
}

type RouteOptions = BuildOptions & { now: () => number; store: Store }

async function addRoutes(app: FastifyInstance, config: Config, options: RouteOptions, upstream: ProxyTarget) {
  const mode = config.upstream.mode

  // CONNECT never reaches Fastify (Node hands it to a 'connect' listener or drops the socket): answer it.
  app.server.on('connect', (request, socket) => {
    app.log.info({ method: 'CONNECT', status: 405, code: 'METHOD_NOT_ALLOWED' }, 'CONNECT 405')
    writeRawError(socket, 405, 'METHOD_NOT_ALLOWED', 'CONNECT is not supported.', 'Allow: GET, HEAD\r\n')
    request.resume()
  })

  // Behind a trusted proxy the public host name is the proxy's business; on loopback alone it is localhost.
  const loopbackOnly = isLoopback(config.host) && config.trustProxy === false
  app.addHook('onRequest', createRequestGuard({ extraOrigins: options.extraOrigins, loopbackOnly }))
  app.addHook('preValidation', bodyGuard)
  app.decorateRequest('errorCode', null)
  app.setErrorHandler(handleError)

  // The API: `/auth/session` (sign-in mode), `/api/meta` and the allowlisted proxy. Their security headers come
  // from the request guard.
  const { now, store } = options
  await app.register(async (api) => {
    let credentialFor: CredentialFor
    let sessions: Sessions | undefined
    let keyOwner: ReturnType<typeof keyOwnerCache> | undefined
    const ssoPersonOf = (request: FastifyRequest) => ssoPerson(request, config.trustedUserHeader)
    if (config.upstream.mode === 'signin') {
      sessions = await registerSessions(api, {
        upstreamUrl: upstream.url,
        session: config.upstream.session,
        timeoutMs: config.upstreamTimeoutMs,
        now,
        store,
      })
      credentialFor = sessions.credentialFor
    } else {
      const apiKey = upstream.apiKey
      if (apiKey === null) throw new Error(`no API key for ${mode} mode`)
      credentialFor = () => apiKey.reveal()
      keyOwner = keyOwnerCache(() => fetchKeyOwner(upstream.url, apiKey.reveal(), config.upstreamTimeoutMs), now)
      await registerSignInDisabled(api)
    }
    const signedInSessions = sessions
    const ownerOfKey = keyOwner
    // Who acts: the signed-in admin; else the person the SSO proxy names; else the owner of the server's key.
    const actorFor = (request: FastifyRequest) => {
      if (signedInSessions !== undefined) return signedInSessions.actorFor(request)
      const sso = ssoPersonOf(request)
      if (sso !== null) return actorOf(sso, 'sso')
      return (ownerOfKey?.() ?? Promise.resolve(null)).then((owner) => actorOf(owner?.user ?? null, 'server-key'))
    }
    // Nothing else about the configuration is told to the browser.
    const meta = [false, true].map((signedIn) => JSON.stringify({ mode, signedIn }))
    api.get('/api/meta', { exposeHeadRoute: false }, async (request, reply) => {
      const signedIn = (await credentialFor(request)) !== null
      return reply.type('application/json; charset=utf-8').send(meta[Number(signedIn)])
    })
    await registerFleetApi(api, {
      mode,
      store,
      now,
      credentialFor,
      ...(sessions === undefined ? {} : { sessions }),
      ...(keyOwner === undefined ? {} : { keyOwner }),
      ssoPersonOf,
    })
    await registerGuardApi(api, { store, now, credentialFor })
    await registerProxy(api, {
      upstreamUrl: upstream.url,
      credentialFor,
      timeoutMs: config.upstreamTimeoutMs,
      cacheMs: config.upstreamCacheMs,
      audit: createAuditTrail({ store, now, actorFor }),
    })
  })

  // Everything else: the SPA with @fastify/helmet's headers. Its not-found handler is the server's: deep links
  // get index.html, anything else a JSON 404.
  const staticDir = config.staticDir
  await app.register(async (site) => {
    await site.register(helmet, HELMET_OPTIONS)
    if (staticDir !== null) await registerStaticSite(site, staticDir)
    site.setNotFoundHandler((request, reply) => {
      const path = pathOf(request.raw.url ?? '')
      if (staticDir !== null && isSpaNavigation(request, path)) return serveIndex(reply, staticDir)
      return sendError(reply.header('cache-control', 'no-store'), 404, 'NOT_FOUND', 'Not found.')
    })
  })
}

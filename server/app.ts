import helmet from '@fastify/helmet'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config, Secret } from './config'
import { type LocalUpstream, startDemoUpstream } from './demo-upstream'
import { handleClientError, handleError, sendError, writeRawError } from './errors'
import { AccessLog, type LogStream, loggerOptions } from './logger'
import { BODY_LIMIT, registerProxy } from './proxy'
import { createRequestGuard, pathOf } from './request-guard'
import { API_HEADERS, HELMET_OPTIONS } from './security-headers'
import { isSpaNavigation, registerStaticSite, serveIndex } from './static-site'

/** Where the proxy sends calls: Paperspace in live mode, the loopback simulator in demo mode. */
type ProxyTarget = { url: string; apiKey: Secret }

export interface BuildOptions {
  /** Log destination (stdout by default). */
  logStream?: LogStream
  /** Origins besides the server's own allowed to make state-changing calls (the Vite dev server). */
  extraOrigins?: readonly string[]
}

/**
 * The whole server: request guard, `/api/meta`, the allowlisted proxy to Paperspace, and the static SPA with
 * its security headers. In demo mode (no key, no URL) it first starts the simulator on a loopback port and
 * proxies to it exactly as it would to Paperspace. Closing the server closes the simulator too.
 */
export async function buildServer(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const accessLog = new AccessLog()
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    logController: accessLog,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
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

  let demo: LocalUpstream | undefined
  let target: ProxyTarget
  if (config.upstream.mode === 'demo') {
    demo = await startDemoUpstream(config.upstream.simulator)
    app.addHook('onClose', async () => demo?.close())
    target = demo
  } else {
    target = config.upstream
  }
  try {
    await addRoutes(app, config, options, target)
  } catch (error) {
    await demo?.close()
    throw error
  }
  return app
}

async function addRoutes(app: FastifyInstance, config: Config, options: BuildOptions, upstream: ProxyTarget) {
  const mode = config.upstream.mode

  // CONNECT never reaches Fastify (Node hands it to a 'connect' listener or drops the socket): answer it.
  app.server.on('connect', (request, socket) => {
    app.log.info({ method: 'CONNECT', status: 405, code: 'METHOD_NOT_ALLOWED' }, 'CONNECT 405')
    writeRawError(socket, 405, 'METHOD_NOT_ALLOWED', 'CONNECT is not supported.', 'Allow: GET, HEAD\r\n')
    request.resume()
  })

  app.addHook('onRequest', createRequestGuard({ extraOrigins: options.extraOrigins }))
  app.decorateRequest('errorCode', null)
  app.setErrorHandler(handleError)

  // The API: `/api/meta` and the allowlisted proxy. Its security headers come from the request guard.
  const meta = JSON.stringify({ mode })
  await app.register(async (api) => {
    api.get('/api/meta', { exposeHeadRoute: false }, (_request, reply) => {
      reply.type('application/json; charset=utf-8').send(meta)
    })
    await registerProxy(api, {
      upstreamUrl: upstream.url,
      apiKey: upstream.apiKey,
      timeoutMs: config.upstreamTimeoutMs,
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
      return sendError(reply, 404, 'NOT_FOUND', 'Not found.')
    })
  })
}

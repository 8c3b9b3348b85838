import { existsSync } from 'node:fs'
import { join, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const IMMUTABLE = 'public, max-age=31536000, immutable'

/** Serves the built SPA: hashed files under /assets/ cached forever, everything else revalidated. */
export async function registerStaticSite(app: FastifyInstance, staticDir: string): Promise<void> {
  const assetsDir = join(staticDir, 'assets') + sep
  await app.register(fastifyStatic, {
    root: staticDir,
    // `/` and deep links are answered by `serveIndex`; directories are never listed or indexed.
    index: false,
    dotfiles: 'ignore',
    // Our own Cache-Control below replaces the plugin's `public, max-age=0`.
    cacheControl: false,
    // The folder may not exist yet (`npm run build` not run); files are looked up per request.
    suppressWarning: true,
    setHeaders(reply, path) {
      reply.header('cache-control', path.startsWith(assetsDir) ? IMMUTABLE : 'no-cache')
    },
  })
  app.get('/', (_request, reply) => serveIndex(reply, staticDir))
}

function hasIndex(staticDir: string): boolean {
  return existsSync(join(staticDir, 'index.html'))
}

/** index.html (its Cache-Control, `no-cache`, comes from `setHeaders`), or a plain 503 until the SPA is built. */
export function serveIndex(reply: FastifyReply, staticDir: string): FastifyReply {
  if (!hasIndex(staticDir)) {
    return reply
      .code(503)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(
        'The dashboard has not been built yet. Run `npm run build` (or use `npm start`, which builds it), then reload.\n',
      )
  }
  return reply.sendFile('index.html')
}

/**
 * Deep links (`/machines/psm9u09bwu5i`, `/events`) are routes of the SPA: a browser navigation (GET, accepts
 * HTML) to any path that is not a file, not under /api and not under /assets gets index.html.
 */
export function isSpaNavigation(request: FastifyRequest, path: string): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !path.startsWith('/api/') &&
    path !== '/api' &&
    !path.startsWith('/assets/') &&
    (request.headers.accept?.includes('text/html') ?? false)
  )
}

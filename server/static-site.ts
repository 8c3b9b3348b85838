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
    // The build writes .br and .gz beside its text files (vite.config.ts): sent to browsers that accept them.
    preCompressed: true,
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
 * Deep links (`/machines/psm9u09bwu5i`, `/events`) are routes of the SPA: a GET that accepts HTML (a browser
 * navigation, or a client like curl that accepts anything) for a path that is not a file, has no file extension and is
 * not under /api or /assets gets index.html.
 */
const FILE_LIKE = /\.[a-z0-9]{1,8}$/i

function acceptsHtml(accept: string | undefined): boolean {
  return accept === undefined || accept.includes('text/html') || accept.includes('*/*')
}

export function isSpaNavigation(request: FastifyRequest, path: string): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !path.startsWith('/api/') &&
    path !== '/api' &&
    !path.startsWith('/assets/') &&
    !FILE_LIKE.test(path) &&
    acceptsHtml(request.headers.accept)
  )
}

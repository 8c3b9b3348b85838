import type { FastifyHelmetOptions } from '@fastify/helmet'

/** No inline script or style anywhere: the built SPA only loads its own files. */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  },
}

/** @fastify/helmet's settings for the pages and static files. */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // Everything the SPA loads is its own (see the CSP), so requiring CORP of embedded resources costs nothing.
  crossOriginEmbedderPolicy: { policy: 'require-corp' },
  referrerPolicy: { policy: 'no-referrer' },
  // Sent by the request guard, and only to requests that came over https.
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
}

export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
export const HSTS = 'max-age=31536000; includeSubDomains'

/**
 * The same policy as `HELMET_OPTIONS` produces (OWASP's HTTP headers cheat sheet), written out once for the API
 * and for refused requests.
 * @fastify/helmet builds a new helmet middleware on every request, which measured at about a third of the
 * proxy's throughput; the hot API path sets this constant instead. `static-site.test.ts` checks that both
 * stay identical.
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';" +
    "font-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self'",
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  // OWASP: turn the legacy XSS auditor off; it created holes of its own.
  'x-xss-protection': '0',
  'permissions-policy': PERMISSIONS_POLICY,
})

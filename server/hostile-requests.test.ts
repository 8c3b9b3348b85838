// Crafted requests, each sent as raw bytes to the real server in both key modes (the server's key; an admin's
// signed-in session) with the simulator as upstream. Whatever comes in, the server answers without a 5xx of its
// own, refused requests never reach the upstream (the simulator counts what it receives), forwarded ones carry
// only the headers the proxy builds, and the key never appears in an answer or a log line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  call,
  parseResponses,
  type RawRequest,
  rawCall,
  rawRequest,
  type SeenRequest,
  sameOrigin,
  startApp,
  startUpstream,
  TEST_KEY,
  type TestApp,
  type TestUpstream,
} from './test-support'

const INDEX = '<!doctype html><title>Fleet</title>'

interface Context {
  host: string
  origin: string
  /** A machine that exists, one that is off, a user, an event. */
  id: string
  offId: string
  userId: string
  eventId: string
}

type Check = (seen: SeenRequest) => void

type Expectation =
  /** Answered by the server with one of these statuses and a JSON `{code, message}`; nothing sent upstream. */
  | { refused: readonly number[]; rawOnly?: boolean }
  /** Not an API path: the SPA page or a JSON 4xx; nothing sent upstream. */
  | { page: true }
  /** Exactly one upstream request, checked by `check`, with nothing but the proxy's own headers. */
  | { forwarded: Check }
  /** A request the client never finishes: any answer below 500, or none; nothing sent upstream. */
  | { unfinished: true }

interface Case {
  name: string
  request: (context: Context) => RawRequest | Buffer
  expect: Expectation
  /** Ends the sending side after writing (a body shorter than its Content-Length). */
  halfClose?: boolean
  /** The session cookie is not added in sign-in mode (the request is about something else). */
  noCookie?: boolean
}

const csrf = (context: Context, extra: [string, string][] = []): [string, string][] => [
  ['X-CSRF', '1'],
  ['Origin', context.origin],
  ['Sec-Fetch-Site', 'same-origin'],
  ...extra,
]
const jsonType: [string, string] = ['Content-Type', 'application/json']
const refused = (...statuses: number[]): Expectation => ({ refused: statuses })
const BAD_PATH = refused(400, 404)

/** Path traversal, every encoding we could think of. */
const TRAVERSALS = [
  '..',
  '.%2e',
  '%2e.',
  '%2e%2e',
  '%2E%2E',
  '%2e%2E',
  '%252e%252e',
  '%25252e%25252e',
  '..%2f',
  '..%2F',
  '%2e%2e%2f',
  '..%5c',
  '..%5C',
  '%2e%2e%5c',
  '..\\',
  '..;',
  '.%00.',
  '..%00',
  '%00',
  '%c0%ae%c0%ae',
  '%c0%2e%c0%2e',
  '%e0%80%ae%e0%80%ae',
  '%ef%bc%8e%ef%bc%8e',
  '%u002e%u002e',
  '%%32%65%%32%65',
  '..%c0%af',
  '..%c1%9c',
  '.../',
  '%2e%2e%252f',
  '%0a..',
]
const TRAVERSAL_TARGETS: [string, (payload: string, context: Context) => [string, string]][] = [
  ['in place of the version', (payload) => ['GET', `/api/${payload}/machines`]],
  ['as a machine id', (payload) => ['GET', `/api/v1/machines/${payload}`]],
  ['before an action', (payload, context) => ['PATCH', `/api/v1/machines/${payload}/${payload}/${context.id}/start`]],
  ['after the API', (payload) => ['GET', `/api/v1/${payload}/${payload}/${payload}/etc/passwd`]],
  ['under assets', (payload) => ['GET', `/assets/${payload}/${payload}/package.json`]],
]

/** Ids the router must refuse before anything is forwarded. */
const INVALID_IDS = [
  'a%20b',
  'a.b',
  "a'b",
  'a"b',
  'a;b',
  'a,b',
  'a*',
  '$id',
  '%7Bid%7D',
  ':id',
  '~root',
  'a!b',
  'a(b)',
  'a+b',
  'é',
  '%C3%A9',
  'x'.repeat(65),
  'a%3Cscript%3E',
  'a=b',
  'a@b',
]

/** Bodies that are not a JSON object. */
const MALFORMED_JSON = [
  '{',
  '}',
  '{"name":}',
  "{'name':'x'}",
  '{"name":"x",}',
  '{"name":"x"} trailing',
  '{"name":"x"}{"name":"y"}',
  '{name:"x"}',
  '{"name":"x" /* comment */}',
  'NaN',
  'null',
  'true',
  '123',
  '"a string"',
  '[]',
  '[{"name":"x"}]',
  '\u00ff\u00fe{',
  '{"name":"\\x41"}',
  '{"name":"\u0000\u0001',
  '1e999999',
]

/** Objects hiding prototype-poisoning keys. */
const POISONED = [
  '{"__proto__":{"admin":true}}',
  '{"name":"x","__proto__":{"isAdmin":true}}',
  '{"a":{"b":{"__proto__":{"x":1}}}}',
  '{"\\u005f_proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"a":[{"constructor":{"prototype":{"x":1}}}]}',
]

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth)
}

/**
 * The routes that read a JSON body, with a CSRF-correct request builder, and the statuses they may answer besides
 * the expected one: sign-in takes at most 4 KiB (413), and does not exist with the server's key (404).
 */
const JSON_ROUTES: [string, (context: Context) => [string, string], number[]][] = [
  ['create', () => ['POST', '/api/v1/machines'], []],
  ['update', (context) => ['PUT', `/api/v1/machines/${context.id}`], []],
  ['grant', (context) => ['POST', `/api/v1/machines/${context.id}/accessors`], []],
  ['sign in', () => ['POST', '/auth/session'], [404, 413]],
]

/** Every upstream request carries exactly the proxy's headers (see the baseline taken in `beforeAll`). */
let upstreamHeaderNames: Set<string>
const seenKey = (seen: SeenRequest) => seen.headers.authorization === `Bearer ${TEST_KEY}`
const forwardedGet =
  (path: string): Check =>
  (seen) => {
    expect(seen.method).toBe('GET')
    expect(seen.path).toBe(`/v1${path}`)
  }

function cases(): Case[] {
  const list: Case[] = []

  // Path traversal in every encoding and position.
  for (const [where, build] of TRAVERSAL_TARGETS) {
    for (const payload of TRAVERSALS) {
      list.push({
        name: `traversal ${JSON.stringify(payload)} ${where}`,
        request: (context) => {
          const [method, target] = build(payload, context)
          return { method, target, headers: method === 'GET' ? [] : csrf(context) }
        },
        expect: where === 'under assets' ? { page: true } : BAD_PATH,
      })
    }
  }

  // Absolute-form targets, authority tricks and Host games.
  const authorityTricks: [string, (context: Context) => RawRequest, Expectation][] = [
    [
      'absolute-form to another host',
      () => ({ method: 'GET', target: 'http://evil.example/api/v1/machines' }),
      refused(400),
    ],
    ['absolute-form https', () => ({ method: 'GET', target: 'https://evil.example/api/v1/machines' }), refused(400)],
    ['absolute-form to itself', (c) => ({ method: 'GET', target: `http://${c.host}/api/v1/machines` }), refused(400)],
    [
      'absolute-form with credentials',
      (c) => ({ method: 'GET', target: `http://user:pw@${c.host}/api/v1/machines` }),
      refused(400),
    ],
    ['protocol-relative target', () => ({ method: 'GET', target: '//evil.example/api/v1/machines' }), refused(400)],
    ['@host suffix', () => ({ method: 'GET', target: '/api/v1/machines@evil.example' }), BAD_PATH],
    ['@host segment', () => ({ method: 'GET', target: '/api/v1/@evil.example/machines' }), BAD_PATH],
    ['@host target', () => ({ method: 'GET', target: '@evil.example/api/v1/machines' }), refused(400)],
    ['@host in an id', () => ({ method: 'GET', target: '/api/v1/machines/psm1@evil.example' }), BAD_PATH],
    ['backslash host', () => ({ method: 'GET', target: '/\\evil.example/api/v1/machines' }), refused(400)],
    ['encoded // host', () => ({ method: 'GET', target: '/%2f%2fevil.example/api/v1/machines' }), refused(400)],
    ['asterisk-form', () => ({ method: 'OPTIONS', target: '*' }), refused(400)],
    ['authority-form', () => ({ method: 'GET', target: 'evil.example:443' }), refused(400)],
    [
      '@host in the query stays in the query',
      () => ({ method: 'GET', target: '/api/v1/machines?limit=1&next=@evil.example' }),
      { forwarded: forwardedGet('/machines?limit=1&next=@evil.example') },
    ],
    [
      'absolute URL in the query stays in the query',
      () => ({ method: 'GET', target: '/api/v1/machines?limit=1&u=http://evil.example/x' }),
      { forwarded: forwardedGet('/machines?limit=1&u=http://evil.example/x') },
    ],
    [
      'X-Forwarded-Host is not a host',
      (c) => ({
        method: 'PATCH',
        target: `/api/v1/machines/${c.id}/stop`,
        headers: [
          ['X-CSRF', '1'],
          ['Origin', 'http://evil.example'],
          ['X-Forwarded-Host', 'evil.example'],
        ],
      }),
      refused(403),
    ],
  ]
  for (const [name, request, expectation] of authorityTricks) list.push({ name, request, expect: expectation })
  // A page on a rebound name is same-origin to the browser, X-CSRF and all; its Host gives it away.
  for (const rebound of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost.evil.example']) {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      list.push({
        name: `DNS rebinding: ${method} with Host ${rebound}`,
        request: (c) =>
          rawRequest(rebound, {
            method,
            target: method === 'PATCH' ? `/api/v1/machines/${c.id}/stop` : `/api/v1/machines/${c.id}`,
            headers: [
              ['X-CSRF', '1'],
              ['Origin', `http://${rebound}`],
              ['Sec-Fetch-Site', 'same-origin'],
            ],
          }),
        expect: refused(421),
      })
    }
  }

  // Method override headers never change the method.
  for (const header of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) {
    for (const value of ['DELETE', 'PATCH', 'PUT']) {
      list.push({
        name: `${header}: ${value} on a GET`,
        request: () => ({ method: 'GET', target: '/api/v1/machines?limit=1', headers: [[header, value]] }),
        expect: { forwarded: forwardedGet('/machines?limit=1') },
      })
    }
    list.push({
      name: `${header}: PATCH on a POST to start`,
      request: (c) => ({
        method: 'POST',
        target: `/api/v1/machines/${c.id}/start`,
        headers: csrf(c, [[header, 'PATCH']]),
      }),
      expect: refused(405),
    })
    list.push({
      name: `${header}: DELETE on a POST to the list`,
      request: (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [[header, 'DELETE'], jsonType]),
        body: '[]',
      }),
      expect: refused(400),
    })
  }
  list.push({
    name: '_method=DELETE in the query of a POST',
    request: (c) => ({ method: 'POST', target: `/api/v1/machines/${c.id}?_method=DELETE`, headers: csrf(c) }),
    expect: refused(405),
  })

  // Methods nobody should use.
  for (const method of ['TRACE', 'TRACK', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK']) {
    list.push({
      name: `${method} on the API`,
      request: (c) => ({ method, target: '/api/v1/machines', headers: csrf(c) }),
      expect: refused(400, 405),
    })
  }
  for (const method of ['SEARCH', 'PURGE', 'QUERY', 'LINK', 'M-SEARCH', 'get', 'Get', 'FOO', 'G\u00c9T']) {
    list.push({
      name: `${method} on the API`,
      request: () => ({ method, target: '/api/v1/machines' }),
      expect: refused(400, 405),
    })
  }
  for (const target of ['evil.example:443', `127.0.0.1:22`, '/api/v1/machines', '[::1]:80']) {
    list.push({
      name: `CONNECT ${target}`,
      request: () => ({ method: 'CONNECT', target }),
      expect: refused(400, 405),
    })
  }
  for (const target of ['/api/v1/machines', '/api/meta', '/', '/auth/session']) {
    list.push({ name: `TRACE ${target}`, request: () => ({ method: 'TRACE', target }), expect: refused(400, 405) })
  }
  for (const method of ['OPTIONS', 'HEAD']) {
    list.push({
      name: `${method} preflight-style on the API`,
      request: () => ({
        method,
        target: '/api/v1/machines',
        headers: [
          ['Origin', 'https://evil.example'],
          ['Access-Control-Request-Method', 'DELETE'],
        ],
      }),
      expect: { refused: [405], rawOnly: method === 'HEAD' },
    })
  }

  // CR, LF and NUL where they do not belong.
  const broken: [string, (context: Context) => string][] = [
    ['bare LF in a header', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A: b\nX-Injected: 1\r\n\r\n`],
    ['bare CR in a header', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A: b\rX-Injected: 1\r\n\r\n`],
    ['obsolete line folding', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A: b\r\n X-B: 1\r\n\r\n`],
    ['NUL in a header value', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A: b\u0000c\r\n\r\n`],
    ['space before the colon', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A : b\r\n\r\n`],
    ['a header without a colon', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A\r\n\r\n`],
    ['CR in the target', (c) => `GET /api/v1/machines\r/x HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`],
    ['LF in the target', (c) => `GET /api/v1/machines\n/x HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`],
    ['tab in the target', (c) => `GET /api/v1/machines\t/x HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`],
    ['a space inside the target', (c) => `GET /api/v1/machines /x HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`],
    ['HTTP/2 preface', () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['HTTP/0.9', () => 'GET /api/v1/machines\r\n\r\n'],
    ['HTTP/9.9', (c) => `GET /api/v1/machines HTTP/9.9\r\nHost: ${c.host}\r\n\r\n`],
    [
      'a 20 KiB header',
      (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    ['two Host headers', (c) => `GET /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\nHost: evil.example\r\n\r\n`],
  ]
  for (const [name, text] of broken) {
    // Connection: close before the final blank line, so that an accepted request would not keep the socket open.
    const closing = (raw: string) => raw.replace(/\r\n\r\n$/, '\r\nConnection: close\r\n\r\n')
    list.push({ name, request: (c) => Buffer.from(closing(text(c)), 'latin1'), expect: refused(400, 431) })
  }
  for (const [name, target] of [
    ['encoded CRLF in the path', '/api/v1/machines/a%0d%0aSet-Cookie:%20x=1'],
    ['encoded LF in the path', '/api/v1/machines%0aX-Injected:1'],
    ['encoded NUL in the path', '/api/v1/machines%00'],
  ]) {
    list.push({ name: name ?? '', request: () => ({ method: 'GET', target: target ?? '' }), expect: refused(400) })
  }
  list.push({
    name: 'encoded CRLF in the query reaches upstream only as encoded text',
    request: () => ({ method: 'GET', target: '/api/v1/machines?limit=1&x=%0d%0aSet-Cookie:%20a=1' }),
    expect: { forwarded: forwardedGet('/machines?limit=1&x=%0d%0aSet-Cookie:%20a=1') },
  })
  list.push({
    name: 'no Host at all',
    request: () => Buffer.from('GET /api/v1/machines HTTP/1.1\r\nConnection: close\r\n\r\n'),
    expect: { refused: [400], rawOnly: true },
    noCookie: true,
  })

  // Hop-by-hop and Connection-listed headers: dropped, whatever they say.
  const hopByHop: [string, [string, string][]][] = [
    ['Connection listing Authorization', [['Connection', 'close, Authorization']]],
    ['Connection listing X-CSRF', [['Connection', 'close, X-CSRF']]],
    [
      'Connection listing a custom header',
      [
        ['Connection', 'close, X-Secret'],
        ['X-Secret', 'ssh'],
      ],
    ],
    ['Connection listing Host', [['Connection', 'close, Host']]],
    ['Keep-Alive', [['Keep-Alive', 'timeout=600, max=1000']]],
    ['TE: trailers', [['TE', 'trailers']]],
    ['Trailer', [['Trailer', 'Authorization']]],
    [
      'Upgrade to websocket',
      [
        ['Upgrade', 'websocket'],
        ['Connection', 'close, Upgrade'],
      ],
    ],
    [
      'Upgrade to h2c',
      [
        ['Upgrade', 'h2c'],
        ['HTTP2-Settings', 'AAMAAABkAAQAAP__'],
        ['Connection', 'close, Upgrade'],
      ],
    ],
    ['Proxy-Authorization', [['Proxy-Authorization', 'Basic YWRtaW46YWRtaW4=']]],
    ['Proxy-Connection', [['Proxy-Connection', 'keep-alive']]],
    [
      'X-Forwarded-For',
      [
        ['X-Forwarded-For', '10.0.0.1'],
        ['Forwarded', 'for=10.0.0.1;host=evil.example'],
      ],
    ],
    ['an Authorization of its own', [['Authorization', 'Bearer k-attacker']]],
    ['a Cookie of its own', [['Cookie', 'other=1']]],
    [
      'X-Real-IP',
      [
        ['X-Real-IP', '10.0.0.1'],
        ['X-Original-URL', '/admin'],
        ['X-Rewrite-URL', '/admin'],
      ],
    ],
  ]
  for (const [name, headers] of hopByHop) {
    list.push({
      name: `${name} on a GET`,
      request: () => ({ method: 'GET', target: '/api/v1/machines?limit=1&hop=1', headers }),
      expect: { forwarded: forwardedGet('/machines?limit=1&hop=1') },
    })
    list.push({
      name: `${name} on a PATCH`,
      request: (c) => ({ method: 'PATCH', target: `/api/v1/machines/${c.offId}/start`, headers: csrf(c, headers) }),
      expect: {
        forwarded: (seen) => {
          expect(seen.method).toBe('PATCH')
          expect(seen.path).toBe(`/v1/machines/${context.offId}/start`)
          expect(seen.body).toBe('')
        },
      },
    })
  }

  // Oversized bodies and compression bombs.
  const big = JSON.stringify({ name: 'x'.repeat(65 * 1024) })
  const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20))
  for (const [route, build, also] of JSON_ROUTES) {
    list.push({
      name: `an oversized body on ${route}`,
      request: (c) => {
        const [method, target] = build(c)
        return { method, target, headers: csrf(c, [jsonType]), body: big }
      },
      expect: refused(413),
    })
    list.push({
      name: `a chunked oversized body on ${route}`,
      request: (c) => {
        const [method, target] = build(c)
        const chunk = Buffer.from(big)
        return {
          method,
          target,
          headers: csrf(c, [jsonType, ['Transfer-Encoding', 'chunked']]),
          contentLength: null,
          body: Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n0\r\n\r\n')]),
        }
      },
      expect: refused(413),
    })
    list.push({
      name: `a declared 1 GiB body on ${route}`,
      request: (c) => {
        const [method, target] = build(c)
        return { method, target, headers: csrf(c, [jsonType]), contentLength: 1024 ** 3, body: '{}' }
      },
      expect: refused(413),
    })
    for (const [encoding, body] of [
      ['gzip', bomb],
      ['deflate', deflateSync(Buffer.alloc(1024 * 1024, 0x20))],
      ['br', Buffer.from([0x1b, 0xff, 0xff])],
    ] as const) {
      list.push({
        name: `a ${encoding} body on ${route}`,
        request: (c) => {
          const [method, target] = build(c)
          return { method, target, headers: csrf(c, [jsonType, ['Content-Encoding', encoding]]), body }
        },
        expect: refused(400, 413, 415, ...also),
      })
    }
  }
  for (const [name, target] of [
    ['start', (c: Context) => `/api/v1/machines/${c.id}/start`],
    ['delete', (c: Context) => `/api/v1/machines/${c.id}`],
  ] as const) {
    list.push({
      name: `an oversized body on ${name}, which takes none`,
      request: (c) => ({
        method: name === 'start' ? 'PATCH' : 'DELETE',
        target: target(c),
        headers: csrf(c, [jsonType]),
        body: big,
      }),
      expect: refused(413),
    })
    list.push({
      name: `a gzip bomb on ${name}, which takes none`,
      request: (c) => ({
        method: name === 'start' ? 'PATCH' : 'DELETE',
        target: target(c),
        headers: csrf(c, [
          ['Content-Type', 'application/octet-stream'],
          ['Content-Encoding', 'gzip'],
        ]),
        body: Buffer.concat([bomb, bomb, bomb, bomb, bomb]),
      }),
      expect: refused(413),
    })
  }

  // Content-Length that does not match the body, and framing conflicts.
  const framing: [string, (context: Context) => RawRequest, Expectation, boolean?][] = [
    [
      'a body shorter than its Content-Length',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType]),
        contentLength: 100,
        body: '{"a":1}',
      }),
      { unfinished: true },
      true,
    ],
    [
      'a sign-in shorter than its Content-Length',
      (c) => ({
        method: 'POST',
        target: '/auth/session',
        headers: csrf(c, [jsonType]),
        contentLength: 200,
        body: `{"apiKey":"${TEST_KEY}"}`,
      }),
      { unfinished: true },
      true,
    ],
    [
      'a body longer than its Content-Length, smuggling a TRACE',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType]),
        contentLength: 1,
        body: `[TRACE /api/v1/machines HTTP/1.1\r\nHost: ${c.host}\r\n\r\n`,
      }),
      refused(400),
    ],
    [
      'a body longer than its Content-Length, smuggling a DELETE',
      (c) => ({
        method: 'PUT',
        target: `/api/v1/machines/${c.id}`,
        headers: csrf(c, [jsonType]),
        contentLength: 2,
        body: `[]DELETE /api/v1/machines/${c.id} HTTP/1.1\r\nHost: ${c.host}\r\nContent-Length: 0\r\n\r\n`,
      }),
      refused(400),
    ],
    [
      'Content-Length and Transfer-Encoding both',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Transfer-Encoding', 'chunked']]),
        contentLength: 4,
        body: '0\r\n\r\n',
      }),
      refused(400),
    ],
    [
      'two different Content-Lengths',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Content-Length', '3']]),
        contentLength: 2,
        body: '{}',
      }),
      refused(400),
    ],
    [
      'a negative Content-Length',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType]),
        contentLength: -1,
        body: '',
      }),
      refused(400),
    ],
    [
      'a Content-Length with a plus sign',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Content-Length', '+2']]),
        contentLength: null,
        body: '{}',
      }),
      refused(400),
    ],
    [
      'a hexadecimal Content-Length',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Content-Length', '0x2']]),
        contentLength: null,
        body: '{}',
      }),
      refused(400),
    ],
    [
      'Transfer-Encoding: gzip, chunked',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Transfer-Encoding', 'gzip, chunked']]),
        contentLength: null,
        body: '2\r\n{}\r\n0\r\n\r\n',
      }),
      refused(400, 415),
    ],
    [
      'Transfer-Encoding: identity',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Transfer-Encoding', 'identity']]),
        contentLength: null,
        body: '{}',
      }),
      refused(400),
    ],
    [
      'a bad chunk size',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Transfer-Encoding', 'chunked']]),
        contentLength: null,
        body: 'zz\r\n{}\r\n0\r\n\r\n',
      }),
      refused(400),
    ],
    [
      'a chunk longer than declared',
      (c) => ({
        method: 'POST',
        target: '/api/v1/machines',
        headers: csrf(c, [jsonType, ['Transfer-Encoding', 'chunked']]),
        contentLength: null,
        body: '1\r\n{}\r\n0\r\n\r\n',
      }),
      refused(400),
    ],
    [
      'Transfer-Encoding with a space before the colon',
      (c) =>
        ({
          method: 'POST',
          target: '/api/v1/machines',
          headers: csrf(c, [jsonType, ['Transfer-Encoding ', 'chunked']]),
          contentLength: 2,
          body: '{}',
        }) as RawRequest,
      refused(400),
    ],
    [
      // A GET takes no body: it is answered without waiting for one.
      'a GET with a body shorter than its Content-Length',
      () => ({ method: 'GET', target: '/api/v1/machines?unfinished=1', contentLength: 50, body: '{}' }),
      { forwarded: forwardedGet('/machines?unfinished=1') },
      true,
    ],
  ]
  for (const [name, request, expectation, halfClose] of framing) {
    list.push({ name, request, expect: expectation, ...(halfClose ? { halfClose } : {}) })
  }

  // Malformed, deeply nested and poisoned JSON on every route that reads one.
  for (const [route, build, also] of JSON_ROUTES) {
    const send =
      (body: string) =>
      (c: Context): RawRequest => {
        const [method, target] = build(c)
        return { method, target, headers: csrf(c, [jsonType]), body }
      }
    for (const body of MALFORMED_JSON) {
      list.push({
        name: `malformed JSON ${JSON.stringify(body)} on ${route}`,
        request: send(body),
        expect: refused(400, ...also),
      })
    }
    for (const body of POISONED) {
      list.push({ name: `poisoned JSON ${body} on ${route}`, request: send(body), expect: refused(400, ...also) })
    }
    for (const [name, body] of [
      ['33 nested objects', nested(33, '{"a":', '}')],
      ['5,000 nested objects', nested(5_000, '{"a":', '}')],
      ['10,000 nested objects in a field', `{"name":${nested(10_000, '{"a":', '}')}}`],
      ['30,000 nested arrays in a field', `{"name":${nested(30_000, '[', ']', '')}}`],
      ['mixed nesting 40 deep', `{"a":${nested(20, '[{"b":', '}]')}}`],
    ]) {
      list.push({ name: `${name} on ${route}`, request: send(body ?? ''), expect: refused(400, ...also) })
    }
    list.push({
      name: `an empty JSON body on ${route}`,
      request: (c) => {
        const [method, target] = build(c)
        return { method, target, headers: csrf(c, [jsonType]), contentLength: 0 }
      },
      expect: refused(400, 415, ...also),
    })
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/json',
    ]) {
      list.push({
        name: `Content-Type ${type} on ${route}`,
        request: (c) => {
          const [method, target] = build(c)
          return { method, target, headers: csrf(c, [['Content-Type', type]]), body: '{"name":"x"}' }
        },
        expect: refused(415, ...also),
      })
    }
  }
  list.push({
    name: 'a body nested exactly 32 deep is forwarded',
    request: (c) => ({
      method: 'POST',
      target: '/api/v1/machines',
      headers: csrf(c, [jsonType]),
      body: nested(32, '{"a":', '}'),
    }),
    expect: {
      forwarded: (seen) => {
        expect(seen.method).toBe('POST')
        expect(seen.headers['content-type']).toBe('application/json')
        expect(JSON.parse(seen.body)).toEqual(JSON.parse(nested(32, '{"a":', '}')))
      },
    },
  })

  // Invalid ids in every position that takes one.
  for (const id of INVALID_IDS) {
    const positions: [string, string, (c: Context) => string][] = [
      ['GET', 'machine', () => `/api/v1/machines/${id}`],
      ['PATCH', 'start', () => `/api/v1/machines/${id}/start`],
      ['DELETE', 'machine', () => `/api/v1/machines/${id}`],
      ['GET', 'accessor', (c) => `/api/v1/machines/${c.id}/accessors/${id}`],
      ['GET', 'event', () => `/api/v1/machine-events/${id}`],
    ]
    for (const [method, what, target] of positions) {
      list.push({
        name: `${method} ${what} id ${JSON.stringify(id).slice(0, 24)}`,
        request: (c) => ({ method, target: target(c), headers: method === 'GET' ? [] : csrf(c) }),
        expect: BAD_PATH,
      })
    }
  }

  // CSRF on every state-changing route, /auth included.
  const unsafe: [string, (c: Context) => string, string?][] = [
    ['POST', () => '/api/v1/machines', '{"name":"x"}'],
    ['PUT', (c) => `/api/v1/machines/${c.id}`, '{"name":"x"}'],
    ['DELETE', (c) => `/api/v1/machines/${c.id}`],
    ['PATCH', (c) => `/api/v1/machines/${c.id}/restart`],
    ['POST', (c) => `/api/v1/machines/${c.id}/accessors`, '{"userId":"u1"}'],
    ['DELETE', (c) => `/api/v1/machines/${c.id}/accessors/${c.userId}`],
    ['POST', () => '/auth/session', `{"apiKey":"${TEST_KEY}"}`],
    ['DELETE', () => '/auth/session'],
  ]
  const forgeries: [string, (c: Context) => [string, string][]][] = [
    ['no X-CSRF', (c) => [['Origin', c.origin]]],
    [
      'X-CSRF: 0',
      (c) => [
        ['X-CSRF', '0'],
        ['Origin', c.origin],
      ],
    ],
    ['X-CSRF: true', () => [['X-CSRF', 'true']]],
    [
      'two X-CSRF values',
      () => [
        ['X-CSRF', '1'],
        ['X-CSRF', '1'],
      ],
    ],
    [
      'Origin of another site',
      () => [
        ['X-CSRF', '1'],
        ['Origin', 'https://evil.example'],
      ],
    ],
    [
      'Origin null',
      () => [
        ['X-CSRF', '1'],
        ['Origin', 'null'],
      ],
    ],
    [
      'Origin of another port',
      (c) => [
        ['X-CSRF', '1'],
        ['Origin', `http://127.0.0.1:${Number(c.host.split(':')[1]) + 1}`],
      ],
    ],
    [
      'Origin with a path suffix',
      (c) => [
        ['X-CSRF', '1'],
        ['Origin', `${c.origin}.evil.example`],
      ],
    ],
    [
      'Sec-Fetch-Site cross-site',
      () => [
        ['X-CSRF', '1'],
        ['Sec-Fetch-Site', 'cross-site'],
      ],
    ],
    [
      'Sec-Fetch-Site same-site',
      () => [
        ['X-CSRF', '1'],
        ['Sec-Fetch-Site', 'same-site'],
      ],
    ],
  ]
  for (const [method, target, body] of unsafe) {
    for (const [forgery, headers] of forgeries) {
      list.push({
        name: `${method} ${target({ id: ':id', userId: ':user' } as Context)} with ${forgery}`,
        request: (c) => ({
          method,
          target: target(c),
          headers: [...headers(c), jsonType],
          ...(body === undefined ? {} : { body }),
        }),
        expect: refused(403),
      })
    }
  }

  return list
}

const CASES = cases()

let upstream: TestUpstream
let staticDir: string
const modes: { name: string; app: TestApp; cookie: string | null }[] = []
let context: Omit<Context, 'host' | 'origin'>
const answers: string[] = []

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'fleet-hostile-'))
  writeFileSync(join(staticDir, 'index.html'), INDEX)
  upstream = await startUpstream()
  const common = { STATIC_DIR: staticDir, UPSTREAM_CACHE_MS: '0', LOG_LEVEL: 'info' }
  const keyed = await startApp({ ...common, PAPERSPACE_API_URL: upstream.url, PAPERSPACE_API_KEY: TEST_KEY })
  const signin = await startApp({
    ...common,
    PAPERSPACE_AUTH: 'signin',
    PAPERSPACE_API_URL: upstream.url,
    SESSION_SECRET: 'zpZKFY0f5CY3Tj74MX9eEgvwysPiWW6ECwuUF5hLpMQC76ds',
    // Every crafted sign-in is checked on its own; the attempt limit has its own tests (session.test.ts).
    SIGN_IN_ATTEMPTS_PER_MINUTE: '0',
  })
  const signedIn = await call(signin.origin, '/auth/session', {
    method: 'POST',
    headers: sameOrigin(signin.origin, { 'content-type': 'application/json' }),
    body: JSON.stringify({ apiKey: TEST_KEY }),
  })
  const cookie = signedIn.headers['set-cookie']?.[0]?.split(';')[0]
  if (signedIn.status !== 204 || cookie === undefined) throw new Error('could not sign in')
  modes.push({ name: 'server key', app: keyed, cookie: null }, { name: 'signed in', app: signin, cookie })

  const machines = upstream.simulator.store.machines
  const ready = machines.find((machine) => machine.state === 'ready')
  const off = machines.find((machine) => machine.state === 'off')
  const user = upstream.simulator.store.users.find(
    (candidate) => candidate.id !== upstream.simulator.store.currentUserId,
  )
  const event = upstream.simulator.store.events[0]
  if (!ready?.id || !off?.id || !user || !event?.id) throw new Error('the seeded fleet lacks what the cases need')
  context = { id: ready.id, offId: off.id, userId: user.id, eventId: event.id }

  // What the proxy itself sends upstream on a plain GET: every forwarded request must carry no other header.
  upstream.seen.length = 0
  await call(keyed.origin, '/api/v1/machines?limit=1')
  upstreamHeaderNames = new Set([...Object.keys(upstream.seen[0]?.headers ?? {}), 'content-type', 'content-length'])
})

afterAll(async () => {
  for (const { app } of modes) await app.close()
  await upstream.close()
  rmSync(staticDir, { recursive: true, force: true })
})

describe('hostile requests', () => {
  it('has at least 300 distinct cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300)
    expect(new Set(CASES.map((hostile) => hostile.name)).size).toBe(CASES.length)
  })

  for (const mode of ['server key', 'signed in']) {
    it(`are answered safely with ${mode}`, { timeout: 20_000 }, async () => {
      const { app, cookie } = modes.find((candidate) => candidate.name === mode) ?? {}
      if (!app) throw new Error('no server')
      const host = new URL(app.origin).host
      const full: Context = { ...context, host, origin: app.origin }
      const failures: string[] = []
      for (const hostile of CASES) {
        const before = upstream.simulator.requestCount
        const seenBefore = upstream.seen.length
        let request = hostile.request(full)
        if (!Buffer.isBuffer(request)) {
          const headers = [...(request.headers ?? [])]
          if (typeof cookie === 'string' && !hostile.noCookie) headers.push(['Cookie', cookie])
          request = rawRequest(host, { ...request, headers })
        }
        const text = await rawCall(app.origin, request, { halfClose: hostile.halfClose, idleMs: 1_000 })
        answers.push(text)
        try {
          expectSafe(hostile, text, before, seenBefore)
        } catch (error) {
          failures.push(`${hostile.name}: ${(error as Error).message.split('\n')[0]}`)
        }
      }
      expect(failures).toEqual([])

      // Still alive and well, with nothing logged as an unexpected error.
      expect((await call(app.origin, '/api/meta')).status).toBe(200)
      const errors = app.logs.filter((line) => Number(line.level) >= 50)
      expect(errors).toEqual([])
      expect(app.rawLogs.join('\n')).not.toContain(TEST_KEY)
    })
  }

  it('never showed the key to a client', () => {
    expect(answers.length).toBeGreaterThanOrEqual(600)
    expect(answers.join('\n')).not.toContain(TEST_KEY)
  })
})

function expectSafe(hostile: Case, text: string, before: number, seenBefore: number): void {
  const { statuses, head, body } = parseResponses(text)
  for (const status of statuses) expect(status, 'status').toBeLessThan(500)
  expect(head.toLowerCase()).not.toMatch(/^(?:x-powered-by|server|access-control-allow-[a-z-]+):/m)
  const expectation = hostile.expect
  if ('forwarded' in expectation) {
    expect(statuses, 'statuses').toHaveLength(1)
    expect(upstream.seen.length - seenBefore, 'upstream requests').toBe(1)
    const seen = upstream.seen[seenBefore]
    if (!seen) throw new Error('nothing reached upstream')
    expect(seenKey(seen), 'upstream Authorization').toBe(true)
    const extra = Object.keys(seen.headers).filter((name) => !upstreamHeaderNames.has(name))
    expect(extra, 'headers sent upstream').toEqual([])
    expectation.forwarded(seen)
    return
  }
  expect(upstream.simulator.requestCount - before, 'upstream requests').toBe(0)
  if ('unfinished' in expectation) return
  const first = statuses[0]
  if ('page' in expectation) {
    expect(first === 200 ? body : first, 'page').toSatisfy(
      (value: unknown) => value === INDEX || (typeof value === 'number' && value >= 400 && value < 500),
    )
    return
  }
  expect(expectation.refused, `status ${first}`).toContain(first)
  if (!expectation.rawOnly) expect(JSON.parse(body)).toEqual({ code: expect.any(String), message: expect.any(String) })
}

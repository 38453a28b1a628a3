/**
 * The endpoint on Node's http module: routing, the token check, the bound on requests in flight, the access log and
 * shutdown. Each request is one library call on the one shared client.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toBotApiUser } from '../botapi/user.js'
import { withDeadline } from '../client/deadline.js'
import { reportFloodWaits } from '../client/flood-sleep.js'
import { redact, registerSecret } from '../client/redact.js'
import { BotApiError, TgProfileError } from '../errors/index.js'
import { sendFile } from './download.js'
import { withFloodWaits } from './flood.js'
import { KnownFiles } from './known-files.js'
import { RequestLimiter } from './limiter.js'
import { methodNamed } from './methods.js'
import type { Method, MethodContext } from './methods.js'
import { isLoopback, resolveServeOptions } from './options.js'
import type { ResolvedServeOptions, RunningServer, ServeOptions } from './options.js'
import { readParams } from './params.js'
import type { Params } from './params.js'
import { malformedToken, parseRoute, redactPath } from './route.js'
import type { Route } from './route.js'
import { sendError, sendOk } from './respond.js'
import { closer } from './shutdown.js'
import { tokensEqual } from './token.js'

interface Endpoint {
  readonly options: ResolvedServeOptions
  readonly ctx: MethodContext
  readonly limiter: RequestLimiter
  /** Aborted when the close grace is over: every request still under way stops. */
  readonly stopping: AbortSignal
}

/** The Bot API's answer to a token, or `undefined` when it is this endpoint's. */
function tokenError(given: string, expected: string): BotApiError | undefined {
  if (malformedToken(given)) return new BotApiError(401, 'Unauthorized: invalid token specified')
  return tokensEqual(given, expected) ? undefined : new BotApiError(401, 'Unauthorized')
}

function accessLog(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const log = endpoint.options.log
  if (log === undefined) return
  const started = process.hrtime.bigint()
  res.once('close', () => {
    const ms = Number((process.hrtime.bigint() - started) / 1_000_000n)
    const status = res.writableFinished ? String(res.statusCode) : `${res.statusCode} (cut)`
    log.write(redact(`${new Date().toISOString()} ${req.method ?? '-'} ${redactPath(pathname)} ${status} ${ms}ms\n`))
  })
}

/** A signal aborted when the client goes away before its answer is complete, or the server stops. */
function requestSignal(res: ServerResponse, stopping: AbortSignal): AbortSignal {
  const gone = new AbortController()
  res.once('close', () => {
    if (!res.writableFinished) gone.abort(new TgProfileError('the HTTP client closed the connection'))
  })
  return AbortSignal.any([gone.signal, stopping])
}

/** What a request asks for, read in full before it takes a turn: a slow sender holds no turn while it sends. */
type Call = { readonly kind: 'file'; readonly filePath: string } | { readonly kind: 'method'; readonly method: Method; readonly params: Params }

async function readCall(endpoint: Endpoint, route: Extract<Route, { kind: 'file' | 'method' }>, req: IncomingMessage, search: URLSearchParams): Promise<Call> {
  if (route.kind === 'file') return { kind: 'file', filePath: route.filePath }
  const params = await readParams(req, search, endpoint.options.maxBodyBytes)
  const method = methodNamed(route.method)
  if (method === undefined) throw new BotApiError(404, 'Not Found: method not found')
  return { kind: 'method', method, params }
}

async function serveCall(endpoint: Endpoint, call: Call, res: ServerResponse): Promise<void> {
  const { options, ctx } = endpoint
  const signal = requestSignal(res, endpoint.stopping)
  const callOptions = { signal, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) }
  if (call.kind === 'file') {
    await sendFile(ctx, res, call.filePath, { ...callOptions, floodWaitBudgetMs: options.floodWaitBudgetMs })
    return
  }
  const result = await withFloodWaits(() => call.method(ctx, call.params, callOptions), { budgetMs: options.floodWaitBudgetMs, signal })
  sendOk(res, result)
}

async function handle(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://endpoint.invalid')
  accessLog(endpoint, req, res, url.pathname)
  const route = parseRoute(url.pathname)
  if (route.kind === 'not-found') return sendError(res, new BotApiError(404, 'Not Found'))
  const refused = tokenError(route.token, endpoint.options.token)
  if (refused !== undefined) return sendError(res, refused)
  if (route.kind === 'test-dc') return sendError(res, new BotApiError(401, 'Unauthorized'))
  let release: (() => void) | undefined
  try {
    const call = await readCall(endpoint, route, req, url.searchParams)
    release = await endpoint.limiter.acquire()
    await serveCall(endpoint, call, res)
  } catch (error) {
    // The rest of a body too large is not worth reading: the connection ends with the answer.
    if (error instanceof BotApiError && error.error_code === 413) res.setHeader('Connection', 'close')
    sendError(res, error)
  } finally {
    release?.()
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Node checks its header and request timeouts only every `connectionsCheckingInterval` (30 s by default), which would
 * let a slow client hold a connection far beyond them: checking at a quarter of the shorter one keeps them close.
 */
function serverOptions(o: ResolvedServeOptions): ServerOptions {
  const shorter = Math.min(o.headersTimeoutMs, o.requestTimeoutMs)
  return {
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(shorter / 4))),
  }
}

/**
 * Starts the Bot-API-compatible HTTP endpoint: `getMe`, `getUserProfilePhotos`, `getUserProfileAudios`, `getFile`
 * at `/bot<token>/<method>`, downloads at `/file/bot<token>/<file_path>`, answered by the logged-in account of
 * `options.client`. See docs/serve.md for how it differs from the Bot API.
 *
 * @throws {TgProfileError} for a non-loopback `host` without `allowRemote`
 * @see https://core.telegram.org/bots/api#making-requests
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const o = resolveServeOptions(options)
  if (!isLoopback(o.host) && !o.allowRemote) {
    throw new TgProfileError(`refusing to listen on ${o.host}: only loopback is allowed without allowRemote (--allow-remote)`)
  }
  registerSecret(o.token)
  const call = { ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal !== undefined ? { signal: o.signal } : {}) }
  const me = toBotApiUser(await withDeadline(o.client.getMe(), 'users.getUsers', call))
  const stop = new AbortController()
  const endpoint: Endpoint = { options: o, ctx: { client: o.client, me, known: new KnownFiles() }, limiter: new RequestLimiter(o), stopping: stop.signal }
  const server = createServer(serverOptions(o), (req, res) => {
    void handle(endpoint, req, res)
  })
  // Flood waits are the endpoint's to wait out within a request's budget or answer 429: GramJS must not sleep on them.
  const restoreFloodSleep = reportFloodWaits(o.client)
  const closeServer = closer(server, o.closeGraceMs, stop)
  const close = (): Promise<void> => closeServer().finally(restoreFloodSleep)
  const address = await listen(server, o.host, o.port).catch((error: unknown) => {
    restoreFloodSleep()
    throw error
  })
  if (!isLoopback(o.host)) {
    o.log?.write(`warning: listening on ${o.host}, reachable from other machines over plain HTTP; the token is the only protection\n`)
  }
  o.signal?.addEventListener('abort', () => void close(), { once: true })
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { url: `http://${host}:${address.port}`, host: address.address, port: address.port, close }
}

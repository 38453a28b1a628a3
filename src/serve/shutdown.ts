/**
 * Closing the endpoint: no new connections; requests under way finish and their connections are let go once
 * answered (Node's `server.close()` leaves a keep-alive connection open after its answer, and would wait on it);
 * after the grace, every request still under way is aborted and its connection cut.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { TgProfileError } from '../errors/index.js'

/** Responses whose requests are under way, by the server's `request` event. */
function responsesUnderWay(server: Server): Set<ServerResponse> {
  const active = new Set<ServerResponse>()
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active.add(res)
    res.once('close', () => active.delete(res))
  })
  return active
}

/** Once `res` is answered, its connection goes rather than waiting for another request. */
function letGoWhenAnswered(server: Server, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close')
  // An answer already on its way said keep-alive: its connection is closed as soon as it is idle.
  else res.once('finish', () => setImmediate(() => server.closeIdleConnections()))
}

/**
 * The idempotent close of `server`. Requests that arrive on an open connection while closing are still answered
 * (and then let go); `stop` is aborted when `graceMs` is over.
 */
export function closer(server: Server, graceMs: number, stop: AbortController): () => Promise<void> {
  const active = responsesUnderWay(server)
  let closing: Promise<void> | undefined
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing !== undefined) letGoWhenAnswered(server, res)
  })
  return () => {
    closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stop.abort(new TgProfileError('the server is shutting down'))
        server.closeAllConnections()
      }, graceMs)
      server.close(() => {
        clearTimeout(timer)
        resolve()
      })
      server.closeIdleConnections()
      for (const res of active) letGoWhenAnswered(server, res)
    })
    return closing
  }
}

/**
 * Answers as telegram-bot-api sends them (`HttpConnection::send_response`): the HTTP status is the envelope's
 * `error_code` (200 for success), `Content-Type: application/json`, `Retry-After` beside a `retry_after`, and the
 * body byte-identical to the CLI's envelopes.
 */
import type { ServerResponse } from 'node:http'
import { formatError, formatOk } from '../botapi/envelope.js'
import { redact } from '../client/redact.js'
import { BotApiError, NetworkError, toBotApiError } from '../errors/index.js'

/** The Bot API error an HTTP client is shown for anything a call threw. */
export function httpError(error: unknown): BotApiError {
  const e = toBotApiError(error)
  // No answer from Telegram (a timeout, a lost connection) is the server's failure, worth retrying: a 500 whose
  // description says what happened (our own texts, redacted all the same).
  if (e instanceof NetworkError) return new BotApiError(500, redact(`Internal Server Error: ${e.message}`), { cause: error })
  return e
}

function send(res: ServerResponse, status: number, body: string, retryAfter?: number): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const bytes = Buffer.from(body, 'utf8')
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Content-Length', bytes.length)
  if (retryAfter !== undefined && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter))
  res.end(bytes)
}

/** `{"ok":true,"result":…}` with status 200. */
export function sendOk(res: ServerResponse, result: unknown): void {
  send(res, 200, formatOk(result))
}

/** The error envelope of `error` with its code as the status (a response already under way is cut instead). */
export function sendError(res: ServerResponse, error: unknown): void {
  const e = httpError(error)
  send(res, e.error_code, formatError(e), e.parameters?.retry_after)
}

import { BotApiError } from '../errors/index.js'
import type { BotApiErrorEnvelope } from '../errors/index.js'

/** A successful Bot API answer. */
export interface OkEnvelope<T> {
  ok: true
  result: T
}

/**
 * The exact bytes telegram-bot-api prints for a successful call: compact JSON, `ok` first, then `result`,
 * followed by a newline.
 */
export function formatOk(result: unknown): string {
  return `${JSON.stringify({ ok: true, result })}\n`
}

/**
 * The exact bytes telegram-bot-api prints for a failed call: `{"ok":false,"error_code":…,"description":…}` with
 * `parameters` only when present, followed by a newline.
 */
export function formatError(error: BotApiError | BotApiErrorEnvelope): string {
  const envelope: BotApiErrorEnvelope = error instanceof BotApiError ? error.toJSON() : error
  const out: BotApiErrorEnvelope = { ok: false, error_code: envelope.error_code, description: envelope.description }
  if (envelope.parameters !== undefined) out.parameters = envelope.parameters
  return `${JSON.stringify(out)}\n`
}

/**
 * Request parameters as telegram-bot-api collects them: from the query string and from a body that is
 * `application/x-www-form-urlencoded`, `multipart/form-data` or `application/json` (a JSON object whose non-string
 * values count as their JSON text, so `{"limit": 5}` and `limit=5` are the same). A later value of a name wins.
 */
import type { IncomingMessage } from 'node:http'
import { BotApiError } from '../errors/index.js'

/** The parameters of one call, by name. */
export type Params = ReadonlyMap<string, string>

/** The answer to a body over the limit (telegram-bot-api's HTTP layer answers 413 too). */
export function bodyTooLarge(): BotApiError {
  return new BotApiError(413, 'Request Entity Too Large')
}

/** Reads the whole body, refusing (413) one over `maxBytes` before it is all in memory. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > maxBytes) throw bodyTooLarge()
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length
    if (length > maxBytes) throw bodyTooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function jsonParams(body: Buffer, into: Map<string, string>): void {
  if (body.length === 0) return
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    throw new BotApiError(400, "Bad Request: can't parse JSON object")
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BotApiError(400, 'Bad Request: JSON object expected')
  }
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) into.set(k, typeof v === 'string' ? v : JSON.stringify(v))
  }
}

async function multipartParams(body: Buffer, contentType: string, into: Map<string, string>): Promise<void> {
  let form: FormData
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData()
  } catch {
    throw new BotApiError(400, "Bad Request: can't parse multipart/form-data")
  }
  for (const [k, v] of form.entries()) {
    into.set(k, typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer()).toString('utf8'))
  }
}

/** The parameters of a call: the query string's, then the body's. */
export async function readParams(req: IncomingMessage, search: URLSearchParams, maxBytes: number): Promise<Params> {
  const params = new Map<string, string>()
  for (const [k, v] of search) params.set(k, v)
  const body = await readBody(req, maxBytes)
  const contentType = req.headers['content-type'] ?? ''
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  if (mediaType === 'application/json') jsonParams(body, params)
  else if (mediaType === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v)
  } else if (mediaType === 'multipart/form-data') await multipartParams(body, contentType, params)
  return params
}

/**
 * An integer parameter the way telegram-bot-api reads one (`get_integer_arg`): absent or empty is `fallback`; else
 * the leading decimal integer of the text (none is 0), clamped into `[min, max]`.
 */
export function integerParam(params: Params, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name)?.trim()
  if (raw === undefined || raw === '') return fallback
  const lead = /^[+-]?\d+/.exec(raw)
  const value = lead === null ? 0 : Number(lead[0])
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : min))
}

/**
 * The ONE place where failures become Bot API errors.
 *
 * Rows that the Bot API words specially come first (user not found, deactivated, flood waits, unauthorized); every
 * other RPC error follows telegram-bot-api's `fail_query_with_error`: codes below 400 and 404 become 400, a 403 whose
 * message is an MTProto name becomes 400, 400/401/403/500 keep their code with the prefixes `Bad Request`,
 * `Unauthorized`, `Forbidden`, `Internal Server Error`, and any other code becomes `400 Bad Request`; the MTProto
 * name is kept verbatim after the prefix.
 */
import { errors } from 'telegram'
import { BotApiError } from './bot-api-error.js'
import { NetworkError } from './network-error.js'
import { TgProfileError } from './tg-profile-error.js'
import { DESCRIPTIONS, UNAUTHORIZED_ERRORS, USER_NOT_FOUND_ERRORS, tooManyRequests } from './descriptions.js'

/** What {@link toBotApiError} returns: an answer in Bot API shape, or a failure to get any answer. */
export type TranslatedError = BotApiError | NetworkError

/** An RPC error reduced to what the table needs. */
interface RpcFacts {
  name: string
  code: number | undefined
  seconds?: number
  newDc?: number
}

const RPC_NAME = /^[A-Z0-9_]+$/

// Socket-level failures (Node.js `error.code`).
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
])

// What GramJS throws when it has no connection or gave up waiting (messages, not classes).
const NETWORK_MESSAGES: readonly RegExp[] = [
  /^Not connected$/,
  /^TIMEOUT$/,
  /^Cannot send requests while disconnected/,
  /^(NetSocket|WebSocket) was closed$/,
  /^Request was unsuccessful \d+ time\(s\)$/,
  /^Connection closed/i,
  /^socket hang up$/,
]

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

function networkFacts(error: unknown): { message: string; code?: string } | undefined {
  const code = prop(error, 'code')
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return { message: `Network error: ${code}`, code }
  }
  // Telegram's own "-503 Timeout": the server gave up waiting for an internal answer; nothing was done.
  if (code === -503) return { message: 'Network error: Telegram answered -503 Timeout' }
  const message = prop(error, 'message')
  if (typeof message === 'string' && NETWORK_MESSAGES.some((re) => re.test(message))) {
    // GramJS's own texts carry no secrets; keep them verbatim so the cause is recognisable.
    return { message: `Network error: ${message}` }
  }
  return undefined
}

function rpcFacts(error: unknown): RpcFacts | undefined {
  // GramJS's regex-matched subclasses leave `code` unset and put a sentence in `errorMessage`; rebuild the name.
  if (error instanceof errors.FloodWaitError) {
    // errorMessage is a sentence or the class default "FLOOD"; FLOOD_PREMIUM_WAIT_X is indistinguishable here.
    const name = /^FLOOD_(PREMIUM_)?WAIT_\d+$/.test(error.errorMessage) ? error.errorMessage : `FLOOD_WAIT_${error.seconds}`
    return { name, code: 420, seconds: error.seconds }
  }
  if (error instanceof errors.FloodTestPhoneWaitError) {
    return { name: `FLOOD_TEST_PHONE_WAIT_${error.seconds}`, code: 420, seconds: error.seconds }
  }
  if (error instanceof errors.SlowModeWaitError) {
    return { name: `SLOWMODE_WAIT_${error.seconds}`, code: 420, seconds: error.seconds }
  }
  if (error instanceof errors.FileMigrateError) return { name: `FILE_MIGRATE_${error.newDc}`, code: 303, newDc: error.newDc }
  if (error instanceof errors.UserMigrateError) return { name: `USER_MIGRATE_${error.newDc}`, code: 303, newDc: error.newDc }
  if (error instanceof errors.PhoneMigrateError) return { name: `PHONE_MIGRATE_${error.newDc}`, code: 303, newDc: error.newDc }
  if (error instanceof errors.NetworkMigrateError) {
    return { name: `NETWORK_MIGRATE_${error.newDc}`, code: 303, newDc: error.newDc }
  }
  // Plain GramJS RPCError, the emulator's RpcError, or anything shaped like { errorMessage, code? }.
  const message = prop(error, 'errorMessage')
  if (typeof message !== 'string') return undefined
  const rawCode = prop(error, 'code')
  const code = typeof rawCode === 'number' ? rawCode : undefined
  if (!RPC_NAME.test(message)) {
    // A sentence rather than an MTProto name: keep it out of descriptions (it is not ours to vouch for).
    return { name: 'UNKNOWN_RPC_ERROR', code }
  }
  const facts: RpcFacts = { name: message, code }
  const wait = /^(?:FLOOD_WAIT|FLOOD_PREMIUM_WAIT|FLOOD_TEST_PHONE_WAIT|SLOWMODE_WAIT)_(\d+)$/.exec(message)
  if (wait?.[1] !== undefined) {
    facts.seconds = Number(wait[1])
    facts.code ??= 420
  }
  const migrate = /^[A-Z]+_MIGRATE_(\d+)$/.exec(message)
  if (migrate?.[1] !== undefined) {
    facts.newDc = Number(migrate[1])
    facts.code ??= 303
  }
  return facts
}

function fromRpc(facts: RpcFacts, cause: unknown, method: string | undefined): BotApiError {
  const base = { method, mtprotoError: facts.name, mtprotoCode: facts.code, cause }
  const { name } = facts
  if (USER_NOT_FOUND_ERRORS.has(name)) return new BotApiError(400, DESCRIPTIONS.userNotFound, base)
  if (name === 'MAX_ID_INVALID') return new BotApiError(400, DESCRIPTIONS.invalidMaxId, base)
  if (name === 'INPUT_USER_DEACTIVATED') return new BotApiError(403, DESCRIPTIONS.userDeactivated, base)
  if (facts.seconds !== undefined) {
    return new BotApiError(429, tooManyRequests(facts.seconds), { ...base, parameters: { retry_after: facts.seconds } })
  }
  if (UNAUTHORIZED_ERRORS.has(name) || name.startsWith('USER_DEACTIVATED')) return new BotApiError(401, DESCRIPTIONS.unauthorized, base)

  // telegram-bot-api's general rule (Client::fail_query_with_error).
  let code = facts.code ?? 400
  if (code < 400 || code === 404) code = 400
  else if (code === 403 && RPC_NAME.test(name)) code = 400
  const prefix = code === 400 ? 'Bad Request' : code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 500 ? 'Internal Server Error' : undefined
  const options = facts.newDc === undefined ? base : { ...base, migrateToDc: facts.newDc }
  if (prefix === undefined) return new BotApiError(400, `Bad Request: ${name}`, options)
  return new BotApiError(code, `${prefix}: ${name}`, options)
}

/**
 * Turns anything thrown while talking to Telegram into this library's error classes:
 *
 * - a {@link BotApiError} or {@link NetworkError} is returned as is (with `method` filled in when given);
 * - socket failures, timeouts and "not connected" become a {@link NetworkError};
 * - MTProto RPC errors (GramJS `RPCError` and its subclasses, also with `code` unset) become a {@link BotApiError}
 *   following the error table in the README;
 * - anything else becomes `500 Internal Server Error` with the original as `cause` (its message is not copied into
 *   `description`, so nothing secret can leak through it).
 *
 * @param error  whatever was caught
 * @param method  the library method that failed, recorded on the result
 */
export function toBotApiError(error: unknown, method?: string): TranslatedError {
  if (error instanceof BotApiError || error instanceof NetworkError) {
    return method === undefined ? error : error.withMethod(method)
  }
  const net = networkFacts(error)
  if (net !== undefined) return new NetworkError(net.message, { method, code: net.code, cause: error })
  const rpc = rpcFacts(error)
  if (rpc !== undefined) return fromRpc(rpc, error, method)
  if (error instanceof TgProfileError) {
    // Our own messages are written to be safe to show.
    return new BotApiError(500, `${DESCRIPTIONS.internal}: ${error.message}`, { method, cause: error })
  }
  return new BotApiError(500, DESCRIPTIONS.internal, { method, cause: error })
}

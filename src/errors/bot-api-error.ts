import { TgProfileError } from './tg-profile-error.js'

/**
 * Bot API `ResponseParameters`: why a request was unsuccessful.
 *
 * @see https://core.telegram.org/bots/api#responseparameters
 */
export interface ResponseParameters {
  /** The group has been migrated to a supergroup with the specified identifier. */
  migrate_to_chat_id?: number
  /** In case of exceeding flood control, the number of seconds left to wait before the request can be repeated. */
  retry_after?: number
}

/** The exact JSON envelope of a failed Bot API call. */
export interface BotApiErrorEnvelope {
  ok: false
  error_code: number
  description: string
  parameters?: ResponseParameters
}

/** Everything {@link BotApiError}'s constructor takes besides code and description. */
export interface BotApiErrorOptions {
  /** `retry_after` / `migrate_to_chat_id`, where they apply. */
  parameters?: ResponseParameters
  /** The library method that failed (`getUserProfilePhotos`, …), when known. */
  method?: string
  /** The MTProto error name the error came from (`USER_ID_INVALID`, `FLOOD_WAIT_30`, …), if any. */
  mtprotoError?: string
  /** The MTProto `error_code` (303, 400, 420, …) when it differs from or explains `error_code`. */
  mtprotoCode?: number
  /** For `*_MIGRATE_X`: the DC the request must be repeated on. */
  migrateToDc?: number
  /** Advice for a human, kept out of `description` so that stays exactly Bot-API-like. */
  hint?: string
  /** The original error. */
  cause?: unknown
}

/**
 * A Bot-API-shaped error answer: what `api.telegram.org` would have replied with `ok: false`.
 *
 * `JSON.stringify(error)` gives the exact Bot API envelope `{ok, error_code, description, parameters?}`.
 *
 * @see https://core.telegram.org/bots/api#making-requests
 */
export class BotApiError extends TgProfileError {
  override name = 'BotApiError'
  /** Always `false`, as in the Bot API envelope. */
  readonly ok = false as const
  /** The Bot API `error_code` (400, 401, 403, 429, 500, …). */
  readonly error_code: number
  /** The Bot API `description`, e.g. `Bad Request: user not found`. */
  readonly description: string
  /** `retry_after` / `migrate_to_chat_id`, present only when one applies. */
  readonly parameters: ResponseParameters | undefined
  /** The library method that failed, when known. */
  readonly method: string | undefined
  /** The MTProto error name this came from, if any. */
  readonly mtprotoError: string | undefined
  /** The MTProto `error_code`, if this came from an RPC error. */
  readonly mtprotoCode: number | undefined
  /** For `*_MIGRATE_X`: the DC to repeat the request on. */
  readonly migrateToDc: number | undefined
  /** Advice for a human (not part of the Bot API envelope). */
  readonly hint: string | undefined

  constructor(errorCode: number, description: string, options: BotApiErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause })
    this.error_code = errorCode
    this.description = description
    this.parameters = options.parameters
    this.method = options.method
    this.mtprotoError = options.mtprotoError
    this.mtprotoCode = options.mtprotoCode
    this.migrateToDc = options.migrateToDc
    this.hint = options.hint
  }

  /** A copy that records which library method failed. */
  withMethod(method: string): BotApiError {
    if (this.method === method) return this
    return new BotApiError(this.error_code, this.description, {
      parameters: this.parameters,
      method,
      mtprotoError: this.mtprotoError,
      mtprotoCode: this.mtprotoCode,
      migrateToDc: this.migrateToDc,
      hint: this.hint,
      cause: this.cause,
    })
  }

  /** The exact Bot API error envelope, key order included. */
  toJSON(): BotApiErrorEnvelope {
    const out: BotApiErrorEnvelope = { ok: false, error_code: this.error_code, description: this.description }
    if (this.parameters !== undefined) out.parameters = { ...this.parameters }
    return out
  }
}

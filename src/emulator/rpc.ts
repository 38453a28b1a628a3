/**
 * The contract between the emulator's protocol layer (transport, handshake, MTProto 2.0 sessions, service
 * messages) and its application layer (the seeded world and the API methods it answers).
 *
 * The protocol layer decrypts a message, peels the invoke wrappers (`invokeWithLayer`, `initConnection`,
 * `invokeWithoutUpdates`, `invokeAfterMsg`), parses the query with the emulator's own TL codec (`tl/`) and hands it
 * to {@link RpcApp.call} as a plain TL object. Whatever `call` returns is serialized into `rpc_result` with the
 * constructors of the layer the session declared; an {@link RpcError} thrown from it becomes `rpc_error` with the
 * same code and message.
 */
import type { TlObject } from './tl/codec.js'

/** An error answer to an RPC, sent to the client as `rpc_error#2144ca19 error_code:int error_message:string`. */
export class RpcError extends Error {
  override readonly name = 'RpcError'

  constructor(
    /** The `error_code`: 303, 400, 401, 403, 406, 420, 500, … */
    readonly code: number,
    /** The `error_message`, e.g. `USER_ID_INVALID`, `FLOOD_WAIT_30`, `FILE_MIGRATE_4`. */
    readonly errorMessage: string,
    /** Called once the answer carrying this error has been written to the client's connection. */
    readonly onWritten?: () => void,
  ) {
    super(`${code} ${errorMessage}`)
  }
}

/** A parsed API query, wrappers peeled: `_` is the method's schema name, e.g. `photos.getUserPhotos`. */
export type TlRequest = TlObject

/**
 * What an RPC may answer: a boxed TL object, a `Bool`, a `Vector<…>` of boxed objects, or a `Vector<long>`
 * (given as `bigint[]`).
 */
export type RpcAnswer = TlObject | boolean | readonly TlObject[] | readonly bigint[]

/**
 * The name the counters, faults and stats know a method by: its schema name with the method's first letter upper
 * case (`photos.getUserPhotos` → `photos.GetUserPhotos`), the form GramJS names its request classes in, which the
 * emulator's options and stats have always used.
 */
export function methodKey(name: string): string {
  const dot = name.lastIndexOf('.')
  return name.slice(0, dot + 1) + name.charAt(dot + 1).toUpperCase() + name.slice(dot + 2)
}

import type { DcAddress } from '../spec/emulator-connection.js'

export type { DcAddress }

/**
 * State that belongs to one permanent auth key, kept for the emulator's lifetime (across connections and
 * sessions), like Telegram's server-side authorization.
 */
export interface AuthKeyState {
  /** The 64-bit `auth_key_id` (low 8 bytes of SHA1(auth_key)), as unsigned. */
  readonly authKeyId: bigint
  /** The DC this key was created on. */
  readonly dcId: number
  /** The logged-in account's user id, once `auth.signIn`/`auth.checkPassword`/`auth.importAuthorization` succeeded. */
  userId: bigint | undefined
  /** `api_id` etc. from the last `initConnection` on this key; undefined before any. */
  connection: { apiId: number; layer: number | undefined } | undefined
  /** Free-form per-key state for the application layer (login flow, SRP round, …). */
  readonly data: Map<string, unknown>
}

/** Everything an API method handler knows about the call it answers. */
export interface CallContext {
  /** The DC the request arrived on. */
  readonly dcId: number
  /** Every DC of this emulator, for `help.getConfig` and `*_MIGRATE_X` answers. */
  readonly dcs: readonly DcAddress[]
  /** The auth key the request was encrypted with. */
  readonly auth: AuthKeyState
  /** The MTProto session id of the request. */
  readonly sessionId: bigint
  /** The `msg_id` of the request (unique per session). */
  readonly msgId: bigint
  /** The layer from `invokeWithLayer`, if this query or an earlier one on the connection carried one. */
  readonly layer: number | undefined
}

/** A query the protocol layer answered itself, without {@link RpcApp.call}. */
export interface ProtocolAnswer {
  /** The DC the query arrived on. */
  readonly dcId: number
  /** The query's constructor id (unsigned), after `gzip_packed` and the invoke wrappers. */
  readonly constructorId: number
  /** The method's {@link methodKey} (`auth.BindTempAuthKey`) when the query parsed as a method. */
  readonly method: string | undefined
  /** The error answered (`INPUT_CONSTRUCTOR_INVALID`, `AUTH_KEY_PERM_EMPTY`, …), undefined for a success. */
  readonly error: string | undefined
}

/** The application layer as the protocol layer sees it. */
export interface RpcApp {
  /** Answers one API query (wrappers already peeled). Throws {@link RpcError} for error answers. */
  call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer>
  /** Told of each query the protocol layer answered itself (unparseable ones included), for the counters. */
  answeredByProtocol?(answer: ProtocolAnswer): void
}

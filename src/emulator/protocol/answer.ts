/**
 * What goes into and comes out of an `rpc_result`: the invoke wrappers peeled off a query, an answer serialized in
 * the session's layer, `rpc_error`, and the `rpc_result` itself, gzip-packed when that makes it smaller.
 */
import { gzipSync } from 'node:zlib'
import { TL } from '../../spec/tl-ids.js'
import type { RpcAnswer } from '../rpc.js'
import { TlWriter, writeObject, type TlObject, type TlValue } from '../tl/codec.js'
import { layerView, servesLayer, type LayerView } from '../tl/schemas.js'

/** Answers larger than this many bytes are gzip-compressed when that makes them smaller. */
export const GZIP_THRESHOLD = 1024
/** Answers above this size are sent as they are (compressing them costs more than it saves on loopback). */
export const GZIP_MAX = 256 * 1024

/** A service-schema object (layer-independent), serialized. */
export function service(obj: TlObject): Buffer {
  return writeObject(layerView(undefined), obj)
}

/**
 * Serializes what an RPC handler returned, in `view`'s layer. Large `bytes` (a file part) stay pieces of their own,
 * so a file part is not copied here (it is copied once, into the encrypted message).
 */
export function serializeAnswer(answer: RpcAnswer, view: LayerView): Buffer[] {
  const w = new TlWriter(view)
  if (typeof answer === 'boolean') w.bool(answer)
  else if (Array.isArray(answer)) {
    const items = answer as readonly (TlObject | bigint)[]
    w.uint(TL.vector).int(items.length)
    items.forEach((item, i) => {
      if (typeof item === 'bigint') w.long(item)
      else w.object(item, undefined, `[${i}]`)
    })
  } else w.object(answer as TlObject)
  return w.finish()
}

/** The TL of `rpc_error`. */
export function rpcErrorBody(code: number, message: string): Buffer {
  return service({ _: 'rpc_error', error_code: code, error_message: message })
}

/**
 * `rpc_result` around `result`. A result in one piece between {@link GZIP_THRESHOLD} and {@link GZIP_MAX} bytes goes
 * as `gzip_packed` when that is smaller. `upload.file` never does: a file part is already-compressed media that
 * compressing would only burn CPU on, on every download.
 */
export function rpcResult(reqMsgId: bigint, result: Buffer | readonly Buffer[]): Buffer[] {
  let payload: readonly Buffer[] = Buffer.isBuffer(result) ? [result] : result
  const single = payload.length === 1 ? payload[0]! : undefined
  if (
    single !== undefined &&
    single.length > GZIP_THRESHOLD &&
    single.length <= GZIP_MAX &&
    single.readUInt32LE(0) !== uploadFileId()
  ) {
    const w = new TlWriter(layerView(undefined)).uint(TL.gzipPacked).bytes(gzipSync(single))
    const wrapped = w.toBuffer()
    if (wrapped.length < single.length) payload = [wrapped]
  }
  const head = new TlWriter(layerView(undefined)).uint(TL.rpcResult).long(reqMsgId).toBuffer()
  return [head, ...payload]
}

let uploadFile: number | undefined
function uploadFileId(): number {
  uploadFile ??= layerView(undefined).ctor('upload.file')!.id
  return uploadFile
}

/** Wrappers peeled from a query before it reaches the app. */
export interface Peeled {
  readonly query: TlObject
  readonly layer: number | undefined
  readonly afterMsgIds: bigint[]
  readonly init: { apiId: number } | undefined
}

function inner(q: TlObject): TlObject {
  const next: TlValue = q['query']
  if (typeof next !== 'object' || next === null || Buffer.isBuffer(next) || Array.isArray(next)) {
    throw new TypeError(`${q._} carries no query`)
  }
  return next as TlObject
}

/** Peels `invokeWithLayer`, `initConnection`, `invokeWithoutUpdates`, `invokeAfterMsg(s)` off a query. */
export function peel(obj: TlObject): Peeled {
  let q = obj
  let layer: number | undefined
  const afterMsgIds: bigint[] = []
  let init: { apiId: number } | undefined
  for (;;) {
    switch (q._) {
      case 'invokeWithLayer':
        layer = q['layer'] as number
        break
      case 'initConnection':
        init = { apiId: q['api_id'] as number }
        break
      case 'invokeWithoutUpdates':
        break
      case 'invokeAfterMsg':
        afterMsgIds.push(q['msg_id'] as bigint)
        break
      case 'invokeAfterMsgs':
        afterMsgIds.push(...(q['msg_ids'] as bigint[]))
        break
      default:
        return { query: q, layer, afterMsgIds, init }
    }
    q = inner(q)
  }
}

/** The methods that log a key in. */
const LOGIN_METHODS: ReadonlySet<string> = new Set([
  'auth.sendCode',
  'auth.signIn',
  'auth.checkPassword',
  'auth.importAuthorization',
])

/**
 * The error a query of `method` gets from a session that declared `layer`, if the emulator does not answer in that
 * layer: a login `406 UPDATE_APP_TO_LOGIN` (Telegram's answer to an app too old to log in), anything else
 * `400 CONNECTION_LAYER_INVALID` (its error for a layer it does not know), so such a client only ever receives
 * errors it can parse, never an object of another layer.
 */
export function layerRefusal(method: string, layer: number | undefined): { code: number; error: string } | undefined {
  if (layer === undefined || servesLayer(layer)) return undefined
  return LOGIN_METHODS.has(method) ? { code: 406, error: 'UPDATE_APP_TO_LOGIN' } : { code: 400, error: 'CONNECTION_LAYER_INVALID' }
}

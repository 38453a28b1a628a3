/**
 * An API query, from its invoke wrappers to its `rpc_result`: the layer and `initConnection` it declares are kept on
 * the session, a layer the emulator does not serve is refused (answer.ts), `auth.bindTempAuthKey` is answered here
 * (pfs.ts), an unbound temporary key gets `401 AUTH_KEY_PERM_EMPTY`, and anything else goes to the app, waiting for
 * the queries `invokeAfterMsg(s)` names, its answer written in the session's layer.
 */
import { RpcError, methodKey, type CallContext, type ProtocolAnswer } from '../rpc.js'
import type { TlObject } from '../tl/codec.js'
import { isMethod, layerView } from '../tl/schemas.js'
import { layerRefusal, peel, rpcErrorBody, serializeAnswer } from './answer.js'
import type { DcHost, SessionState } from './host.js'
import { bindTempAuthKey } from './pfs.js'

/** Where a query's answers go. */
export interface QueryTarget {
  readonly host: DcHost
  readonly session: SessionState
  /** Answers with an error the protocol layer decided (and tells the app's counters). */
  readonly refuse: (answer: Omit<ProtocolAnswer, 'dcId'> & { error: string }, code?: number) => void
  /** Answers in `rpc_result` now. */
  readonly answer: (body: Buffer | readonly Buffer[]) => void
}

/** Handles one query (not a service message). */
export function runQuery(t: QueryTarget, msgId: bigint, ctor: number, obj: TlObject): void {
  const s = t.session
  let peeled
  try {
    peeled = peel(obj)
  } catch {
    t.refuse({ constructorId: ctor, method: undefined, error: 'INPUT_CONSTRUCTOR_INVALID' })
    return
  }
  const q = peeled.query
  if (!isMethod(q._)) {
    t.refuse({ constructorId: ctor, method: undefined, error: `INPUT_METHOD_INVALID_${ctor}` })
    return
  }
  const method = methodKey(q._)
  const queryId = layerView(undefined).ctor(q._)?.id ?? ctor
  if (peeled.layer !== undefined) s.layer = peeled.layer
  if (peeled.init !== undefined) s.record.state.connection = { apiId: peeled.init.apiId, layer: s.layer }
  t.host.counters.rpcCalls++
  const refusal = layerRefusal(q._, s.layer)
  if (refusal !== undefined) {
    t.refuse({ constructorId: queryId, method, error: refusal.error }, refusal.code)
    return
  }
  if (q._ === 'auth.bindTempAuthKey') {
    const refused = bindTempAuthKey(
      {
        permAuthKeyId: q['perm_auth_key_id'] as bigint,
        nonce: q['nonce'] as bigint,
        expiresAt: q['expires_at'] as number,
        encryptedMessage: q['encrypted_message'] as Buffer,
      },
      { temp: s.record, keys: t.host.keys, msgId, sessionId: s.sessionId, now: Math.floor(t.host.keyNowMs() / 1000) },
    )
    t.host.app.answeredByProtocol?.({ dcId: t.host.dcId, constructorId: queryId, method, error: refused })
    t.answer(refused === undefined ? serializeAnswer(true, layerView(s.layer)) : rpcErrorBody(400, refused))
    return
  }
  if (s.record.expiresAt !== undefined && s.record.perm === undefined) {
    t.refuse({ constructorId: queryId, method, error: 'AUTH_KEY_PERM_EMPTY' }, 401)
    return
  }
  const ctx: CallContext = {
    dcId: t.host.dcId,
    dcs: t.host.dcs(),
    // a bound temporary key acts with its permanent key's authorization
    auth: (s.record.perm ?? s.record).state,
    sessionId: s.sessionId,
    msgId,
    layer: s.layer,
  }
  const view = layerView(s.layer)
  const waitFor = peeled.afterMsgIds.map((id) => s.running.get(id)).filter((p): p is Promise<void> => p !== undefined)
  const run = (async (): Promise<void> => {
    if (waitFor.length > 0) await Promise.all(waitFor)
    let body: Buffer | Buffer[]
    let onWritten: (() => void) | undefined
    try {
      body = serializeAnswer(await t.host.app.call(q, ctx), view)
    } catch (e) {
      body =
        e instanceof RpcError ? rpcErrorBody(e.code, e.errorMessage) : rpcErrorBody(500, 'INTERNAL_SERVER_ERROR')
      if (e instanceof RpcError) onWritten = e.onWritten
    }
    s.answered.add(msgId)
    s.connection?.enqueueRpc(msgId, body, onWritten)
  })()
  s.running.set(msgId, run)
  void run.finally(() => s.running.delete(msgId))
}

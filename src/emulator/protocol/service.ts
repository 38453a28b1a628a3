/**
 * Service messages a session answers itself (https://core.telegram.org/mtproto/service_messages): `ping`,
 * `ping_delay_disconnect`, `get_future_salts`, `msgs_state_req` and `destroy_session` are answered directly, not in
 * `rpc_result`, like Telegram; `rpc_drop_answer` is answered in `rpc_result`. `destroy_session` answers a bare
 * `destroy_session_ok` / `destroy_session_none`, as the docs show and clients expect.
 */
import type { TlObject } from '../tl/codec.js'
import { service } from './answer.js'
import { ensureSalts } from './salts.js'
import { msgIdSeconds } from './msg-id.js'
import type { AuthKeyRecord } from './handshake.js'

/** What a service message's answer depends on. */
export interface ServiceContext {
  readonly msgId: bigint
  readonly record: AuthKeyRecord
  readonly sessionId: bigint
  /** Unix seconds. */
  readonly now: number
  readonly seen: ReadonlySet<bigint>
  readonly answered: ReadonlySet<bigint>
  /** Forgets another session of this key; whether there was one. */
  readonly destroySession: (sessionId: bigint) => boolean
  /** Closes the connection after `seconds` without another ping. */
  readonly armDisconnect: (seconds: number) => void
}

/** How a service message is answered: directly, or as an `rpc_result`. */
export type ServiceAnswer = { readonly direct: Buffer } | { readonly rpcResult: Buffer }

/** The answer to `obj` if it is a service message the session answers, else undefined. */
export function answerService(obj: TlObject, ctx: ServiceContext): ServiceAnswer | undefined {
  switch (obj._) {
    case 'ping':
    case 'ping_delay_disconnect':
      if (obj._ === 'ping_delay_disconnect') ctx.armDisconnect(obj['disconnect_delay'] as number)
      return { direct: service({ _: 'pong', msg_id: ctx.msgId, ping_id: obj['ping_id'] as bigint }) }
    case 'get_future_salts': {
      const num = Math.max(1, Math.min(64, obj['num'] as number))
      ensureSalts(ctx.record, num, ctx.now)
      const salts = ctx.record.salts.slice(0, num).map((s) => ({
        _: 'future_salt',
        valid_since: s.validSince,
        valid_until: s.validUntil,
        salt: s.salt,
      }))
      return { direct: service({ _: 'future_salts', req_msg_id: ctx.msgId, now: ctx.now, salts }) }
    }
    case 'msgs_state_req': {
      const info = Buffer.from(
        (obj['msg_ids'] as bigint[]).map((id) => {
          if (ctx.seen.has(id)) return ctx.answered.has(id) ? 4 | 8 : 4
          const t = msgIdSeconds(id)
          if (t < ctx.now - 300) return 1
          if (t > ctx.now + 30) return 3
          return 2
        }),
      )
      return { direct: service({ _: 'msgs_state_info', req_msg_id: ctx.msgId, info }) }
    }
    case 'destroy_session': {
      const target = obj['session_id'] as bigint
      const existed = target !== ctx.sessionId && ctx.destroySession(target)
      return { direct: service({ _: existed ? 'destroy_session_ok' : 'destroy_session_none', session_id: target }) }
    }
    case 'rpc_drop_answer':
      return { rpcResult: service({ _: 'rpc_answer_unknown' }) }
    default:
      return undefined
  }
}

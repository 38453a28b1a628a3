/**
 * What every group of API handlers shares: the world, the clock, the faults, the counters, and the lookups of the
 * viewer and of the users a request names (an `InputUser` is resolved with the viewer's access hash).
 */
import { RpcError, type CallContext, type RpcAnswer, type TlRequest } from '../rpc.js'
import type { Clock, FaultOptions } from '../faults.js'
import type { StatsCollector } from '../stats.js'
import type { TlObject, TlValue } from '../tl/codec.js'
import type { UserMeta, World } from '../world.js'
import { userObject } from './objects.js'

/** Answers one method (its schema name is the key it is registered under). */
export type Handler = (request: TlRequest, ctx: CallContext) => Promise<RpcAnswer> | RpcAnswer

/** An error answer. */
export function err(code: number, message: string): RpcError {
  return new RpcError(code, message)
}

/** The state the handlers share. */
export class AppCore {
  constructor(
    readonly world: World,
    readonly clock: Clock,
    readonly faults: FaultOptions,
    readonly collector: StatsCollector,
  ) {}

  nowSec(): number {
    return Math.floor(this.clock.now() / 1000)
  }

  /** The logged-in account of the call's key. */
  viewer(ctx: CallContext): UserMeta {
    const id = ctx.auth.userId
    const user = id === undefined ? undefined : this.world.userById(id)
    if (user === undefined) throw err(401, 'AUTH_KEY_UNREGISTERED')
    return user
  }

  /** Resolves an InputUser or InputPeer for the viewer; undefined when unknown or the access hash is wrong. */
  resolveInputUser(input: TlValue, viewer: UserMeta): UserMeta | undefined {
    if (typeof input !== 'object' || input === null || Buffer.isBuffer(input) || Array.isArray(input)) return undefined
    const o = input as TlObject
    if (o._ === 'inputUserSelf' || o._ === 'inputPeerSelf') return viewer
    if (o._ === 'inputUser' || o._ === 'inputPeerUser') {
      const user = this.world.userById(o['user_id'] as bigint)
      if (user === undefined) return undefined
      if (o['access_hash'] !== this.world.accessHash(viewer.id, user.id)) return undefined
      return user
    }
    return undefined
  }

  inputUserOrThrow(input: TlValue, viewer: UserMeta, error = 'USER_ID_INVALID'): UserMeta {
    const user = this.resolveInputUser(input, viewer)
    if (user === undefined) throw err(400, error)
    return user
  }

  /** `user` as `viewer` sees it now. */
  user(viewer: UserMeta, user: UserMeta): TlObject {
    return userObject(this.world, viewer.id, user, this.nowSec())
  }
}

/**
 * A fix for GramJS 2.26: when the server answers transport error -404 (it does not know the auth key: the key was
 * dropped, or the session belongs to another server), `MTProtoSender._handleBadAuthKey` stops the receive loop and
 * only emits an update. Every request already sent or queued on that connection then never settles, and a command
 * line run simply ends with Node's exit code 13 ("unsettled top-level await") and no message at all.
 * Here those requests are rejected with 401 `AUTH_KEY_UNREGISTERED`, which the one error table turns into
 * `401 Unauthorized` ("log in again").
 *
 * Like the container fix, this patches the prototype once, from `install()`, before any client connects.
 */
import { RPCError } from 'telegram/errors/index.js'
import { senderInternals, senderPrototype, type SenderInternals } from '../internals.js'

/** The error every request of a connection whose auth key the server rejected is settled with. */
export function authKeyRejected(request: unknown): RPCError {
  return new RPCError('AUTH_KEY_UNREGISTERED', request as never, 401)
}

/**
 * Settles every request sent or queued on `sender` (a GramJS `MTProtoSender`) with 401 `AUTH_KEY_UNREGISTERED`:
 * GramJS never settles them once it stops reading that connection.
 */
export function rejectPendingRequests(sender: unknown): void {
  // Also called outside the fix (dc-keys retires a connection): a GramJS without these members loses nothing here.
  const internals: Partial<SenderInternals> = senderInternals(sender)
  const { _pendingState: sent, _sendQueue: queue } = internals
  const pending = [...(sent?.values() ?? []), ...(queue?._pendingStates ?? [])]
  sent?.clear()
  if (queue !== undefined) {
    queue._pendingStates = []
    queue.clear()
  }
  for (const state of pending) state.reject(authKeyRejected(state.request))
}

/** Patches `MTProtoSender.prototype._handleBadAuthKey` (once; later calls do nothing). */
export function installBadKeyFix(): void {
  const proto = senderPrototype<{ __tgProfileBadKeyFix?: true }>()
  if (proto.__tgProfileBadKeyFix === true) return
  proto.__tgProfileBadKeyFix = true
  const original = proto._handleBadAuthKey
  proto._handleBadAuthKey = function (this: SenderInternals, shouldSkipForMain = false): void {
    original.call(this, shouldSkipForMain)
    // AUTH_KEY_UNREGISTERED as an RPC answer on the main connection already rejected its own request; nothing hangs.
    if (shouldSkipForMain && this._isMainSender) return
    rejectPendingRequests(this)
  }
}

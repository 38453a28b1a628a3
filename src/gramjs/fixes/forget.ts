/**
 * Forgetting a request its caller gave up on (a deadline passed, the signal aborted). GramJS 2.26 keeps a request's
 * state until an answer comes: one that never comes stays in the sender for good, holding the request (and, when
 * the answer does come late, a whole file part is still read for nobody), and every reconnect sends it again. Here
 * its state leaves the sender's send queue and its list of sent requests, and is settled with the caller's reason,
 * which also ends GramJS's own `invoke` for it. A request given up on before GramJS queued it (while the connection
 * to its DC was still being made) is refused when GramJS gets to queueing it.
 *
 * Like the other fixes, this patches `MTProtoSender` once, from `install()`, before any client connects.
 */
import { clientInternals, senderPrototype, type RequestState, type SenderInternals } from '../internals.js'

/**
 * Requests given up on before GramJS queued them: the reasons, one per abandoned call, oldest first. The same
 * request object may be sent again (the archiver retries with it): only the abandoned calls' own states are refused,
 * and they reach the queue first (each call waits for the same connection, in the order the calls were made).
 */
const forgotten = new WeakMap<object, unknown[]>()

/** Patches `MTProtoSender.prototype.addStateToQueue` (once; later calls do nothing). */
export function installForgetFix(): void {
  const proto = senderPrototype<{ __tgProfileForget?: true }>()
  if (proto.__tgProfileForget === true) return
  proto.__tgProfileForget = true
  const { addStateToQueue } = proto
  proto.addStateToQueue = function (this: SenderInternals, state: RequestState): void {
    const request = state.request
    const reasons = typeof request === 'object' && request !== null ? forgotten.get(request) : undefined
    if (reasons !== undefined && reasons.length > 0) {
      const reason = reasons.shift()
      if (reasons.length === 0) forgotten.delete(request)
      state.reject(reason)
      return
    }
    addStateToQueue.call(this, state)
  }
}

/**
 * Removes `request` from the connection it was given to (the home DC's, or `dcId`'s) and settles it with `reason`.
 * Does nothing for a client that is not a GramJS `TelegramClient`, or a request already settled.
 */
export async function forgetRequest(client: object, request: object, dcId: number | undefined, reason: unknown): Promise<void> {
  const internals = clientInternals(client)
  const home = dcId === undefined || dcId === (internals.session as { dcId?: number } | undefined)?.dcId
  const found = home ? internals._sender : await internals._exportedSenderPromises?.get(dcId)?.catch(() => undefined)
  // Any object may stand for a client here: nothing of the sender is taken for granted.
  const sender: Partial<SenderInternals> | undefined = found
  if (sender === undefined) {
    refuseWhenQueued(request, reason)
    return
  }
  const mine = (state: RequestState | undefined): state is RequestState => state?.request === request
  const queue = sender._sendQueue?._queue
  const queued = queue?.filter(mine) ?? []
  if (queue !== undefined && queued.length > 0) sender._sendQueue!._queue = queue.filter((state) => !mine(state))
  const sent = sender._pendingState?.values().filter(mine) ?? []
  for (const state of sent) sender._pendingState?.delete(state.msgId)
  const states = new Set([...queued, ...sent])
  // Not queued yet (still waiting for its connection): refused when GramJS gets to it.
  if (states.size === 0) refuseWhenQueued(request, reason)
  for (const state of states) state.reject(reason)
}

function refuseWhenQueued(request: object, reason: unknown): void {
  const reasons = forgotten.get(request)
  if (reasons === undefined) forgotten.set(request, [reason])
  else reasons.push(reason)
}

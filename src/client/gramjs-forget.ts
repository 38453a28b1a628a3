/**
 * Forgetting a request its caller gave up on (a deadline passed, the signal aborted). GramJS 2.26 keeps a request's
 * state until an answer comes: one that never comes stays in the sender for good, holding the request (and, when
 * the answer does come late, a whole file part is still read for nobody), and every reconnect sends it again. Here
 * its state leaves the sender's send queue and its list of sent requests, and is settled with the caller's reason,
 * which also ends GramJS's own `invoke` for it. A request given up on before GramJS queued it (while the connection
 * to its DC was still being made) is refused when GramJS gets to queueing it.
 *
 * Like the other fixes, this patches `MTProtoSender` once, on import, before any client connects.
 */
import { MTProtoSender } from 'telegram/network/index.js'

interface RequestState {
  request: unknown
  msgId?: unknown
  reject(reason: unknown): void
}

interface SenderInternals {
  _pendingState?: { values(): RequestState[]; delete(msgId: unknown): void }
  _sendQueue?: { _queue: (RequestState | undefined)[] }
}

/**
 * Requests given up on before GramJS queued them: the reasons, one per abandoned call, oldest first. The same
 * request object may be sent again (the archiver retries with it): only the abandoned calls' own states are refused,
 * and they reach the queue first (each call waits for the same connection, in the order the calls were made).
 */
const forgotten = new WeakMap<object, unknown[]>()

interface SenderProto {
  addStateToQueue(state: RequestState): void
  __tgProfileForget?: true
}

const proto = MTProtoSender.prototype as unknown as SenderProto
if (proto.__tgProfileForget !== true) {
  proto.__tgProfileForget = true
  const { addStateToQueue } = proto
  proto.addStateToQueue = function (this: SenderProto, state: RequestState): void {
    const request = state.request
    const reasons = typeof request === 'object' && request !== null ? forgotten.get(request) : undefined
    if (reasons !== undefined && reasons.length > 0) {
      const reason = reasons.shift()
      if (reasons.length === 0) forgotten.delete(request as object)
      state.reject(reason)
      return
    }
    addStateToQueue.call(this, state)
  }
}

interface ClientInternals {
  _sender?: SenderInternals
  _exportedSenderPromises?: Map<number, Promise<SenderInternals | undefined>>
  session?: { dcId?: number }
}

/**
 * Removes `request` from the connection it was given to (the home DC's, or `dcId`'s) and settles it with `reason`.
 * Does nothing for a client that is not a GramJS `TelegramClient`, or a request already settled.
 */
export async function forgetRequest(client: object, request: object, dcId: number | undefined, reason: unknown): Promise<void> {
  const internals = client as ClientInternals
  const home = dcId === undefined || dcId === internals.session?.dcId
  const sender = home ? internals._sender : await internals._exportedSenderPromises?.get(dcId)?.catch(() => undefined)
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

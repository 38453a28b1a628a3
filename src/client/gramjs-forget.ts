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

/** Requests given up on, with the reason, until GramJS would queue them. */
const forgotten = new WeakMap<object, unknown>()

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
    if (typeof request === 'object' && request !== null && forgotten.has(request)) {
      state.reject(forgotten.get(request))
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
  forgotten.set(request, reason)
  const internals = client as ClientInternals
  const home = dcId === undefined || dcId === internals.session?.dcId
  const sender = home ? internals._sender : await internals._exportedSenderPromises?.get(dcId)?.catch(() => undefined)
  if (sender === undefined) return
  const mine = (state: RequestState | undefined): state is RequestState => state?.request === request
  const queue = sender._sendQueue?._queue
  const queued = queue?.filter(mine) ?? []
  if (queue !== undefined && queued.length > 0) sender._sendQueue!._queue = queue.filter((state) => !mine(state))
  const sent = sender._pendingState?.values().filter(mine) ?? []
  for (const state of sent) sender._pendingState?.delete(state.msgId)
  for (const state of new Set([...queued, ...sent])) state.reject(reason)
}

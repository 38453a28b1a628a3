/**
 * A fix for GramJS 2.26's connecting and reconnecting (`MTProtoSender.connect`, `_reconnect`), which lose requests
 * in three ways:
 *
 * - A request queued while the sender waits to reconnect (GramJS waits a second after a connection breaks) is
 *   dropped. `_reconnect` keeps only the requests that already carry a msg_id and then empties the send queue; the
 *   send loop gives a msg_id to the first batch it takes during that second and stops, so every later request sat
 *   in the queue without one and was never sent: it never settled.
 * - When every connect attempt fails (`connectionRetries` of them), GramJS leaves the sender without a connection
 *   and without loops, and every request sent or queued waits forever; so do later ones, and the keep-alive ping
 *   cannot reconnect a sender that is no longer marked connected.
 * - A connection to another DC whose connect attempts failed is still handed `auth.importAuthorization`
 *   (`TelegramClient._connectSender` does not look at what `connect` returned): queued on a sender that never
 *   sends, it never settled, and neither did every request waiting for that DC.
 *
 * Here every unanswered request, sent on the lost connection or still queued, is sent again on the new connection as
 * soon as it is up, in the order it was first queued. When connecting fails, each is rejected with a
 * {@link NetworkError} and the sender counts as disconnected, as after `disconnect()`: a request given to it then is
 * rejected at once (GramJS's `invoke` already refuses one: "Cannot send requests while disconnected") until it
 * connects again. `_connectSender` then does what it does on any failure: waits a second and connects again.
 *
 * A sender that gave up this way (not one the user disconnected) is not given up for good: the next request for
 * its DC connects it again first (`TelegramClient.invoke`), so a client outlives a server or network that was away
 * for longer than its `connectionRetries`, as Telegram's own apps reconnect when the network returns.
 *
 * Like the other fixes, this patches the prototypes once, from `install()`, before any client connects.
 */
import { NetworkError } from '../../errors/network-error.js'
import {
  clientInternals,
  clientPrototype,
  senderPrototype,
  type ClientInternals,
  type ConnectionInternals,
  type RequestState,
  type SenderInternals,
} from '../internals.js'

/**
 * Every request of `sender` (a GramJS `MTProtoSender`) not yet settled, whether sent or still queued, oldest first.
 * The send queue lists each state it was given until the state settles (once per time it was queued); acks and
 * other service messages are not requests and belong to the lost session.
 */
function unsettledRequests(sender: SenderInternals): RequestState[] {
  const states = new Set([...sender._sendQueue._pendingStates, ...sender._pendingState.values()])
  return [...states].filter((state) => state.request.classType === 'request')
}

/** The error a request is settled with when GramJS cannot connect to its DC. */
export function connectFailed(dcId: number, attempts: number, cause?: unknown): NetworkError {
  const times = attempts === 1 ? 'once' : `${attempts} times`
  return new NetworkError(`connecting to DC ${dcId} failed ${times}`, cause === undefined ? {} : { cause })
}

/** The error a request given to a disconnected sender is rejected with. */
export function notConnected(dcId: number): NetworkError {
  return new NetworkError(`not connected to DC ${dcId}`)
}

/**
 * The error of the latest failed connect attempt of `client`'s home connection (GramJS logs it and drops it; the fix
 * keeps it), to say why `connect()` returned `false`.
 */
export function lastConnectError(client: object): unknown {
  return clientInternals(client)._sender?.tgProfileConnectError
}

/** Settles every request of `sender` with `error`; nothing would ever send them. */
function rejectAll(sender: SenderInternals, error: NetworkError): void {
  const pending = unsettledRequests(sender)
  sender._sendQueue.clear()
  sender._pendingState.clear()
  for (const state of pending) state.reject(error)
}

/** Whether `sender` was disconnected (by the user, or by failing to connect) and is not connecting again. */
const disconnected = (sender: SenderInternals): boolean =>
  sender.userDisconnected && !sender._userConnected && !sender.isConnecting

type ReconnectMarks = { __tgProfileReconnectFix?: true }
const proto = senderPrototype<ReconnectMarks>()

/** Patches `MTProtoSender.prototype` and `TelegramClient.prototype.invoke` (once; later calls do nothing). */
export function installReconnectFix(): void {
  if (proto.__tgProfileReconnectFix === true) return
  proto.__tgProfileReconnectFix = true
  patchSenderConnect()
  const { send, addStateToQueue, disconnect } = proto
  proto.disconnect = async function (this: SenderInternals): Promise<void> {
    this.tgProfileGaveUp = false
    return disconnect.call(this)
  }
  proto.send = function (this: SenderInternals, request: unknown): Promise<unknown> {
    if (disconnected(this)) return Promise.reject(notConnected(this._dcId))
    return send.call(this, request)
  }
  proto.addStateToQueue = function (this: SenderInternals, state: RequestState): void {
    if (disconnected(this)) state.reject(notConnected(this._dcId))
    else addStateToQueue.call(this, state)
  }
  proto._reconnect = async function (this: SenderInternals): Promise<void> {
    if (await connectAgain(this)) await this._autoReconnectCallback?.()
  }
  patchClientInvoke()
}

/** `_connect` keeps its error, `connect` settles every request when all attempts failed. */
function patchSenderConnect(): void {
  const { connect, _connect } = proto
  // GramJS logs a failed attempt's error and drops it: kept, it becomes the cause of the failure reported.
  proto._connect = async function (this: SenderInternals): Promise<void> {
    try {
      await _connect.call(this)
      this.tgProfileConnectError = undefined
    } catch (error) {
      this.tgProfileConnectError = error
      throw error
    }
  }
  proto.connect = async function (this: SenderInternals, connection: ConnectionInternals, force: boolean): Promise<boolean> {
    const connected = await connect.call(this, connection, force)
    // Connected again by any path (GramJS's own retry of another DC's connection, the user's connect()).
    if (connected) this.tgProfileGaveUp = false
    // false also means "already connected" (nothing was attempted)
    if (!connected && !this._userConnected) {
      this.userDisconnected = true
      this.tgProfileGaveUp = true
      const error = connectFailed(this._dcId, this._retries, this.tgProfileConnectError)
      rejectAll(this, error)
      // TelegramClient._connectSender ignores `false` and exports the authorization to a DC it is not connected to
      // (a wasted auth.exportAuthorization whose import is refused); thrown, the failure sends it round its own
      // retry, which connects first. The home DC's connect is GramJS's own caller's, which reads the `false`.
      if (!this._isMainSender) throw error
    }
    return connected
  }
}

/**
 * GramJS's own steps of `_reconnect` (close the connection, new session, a fresh connection object of the same class),
 * with every unanswered request kept and settled. Whether it connected.
 */
async function connectAgain(sender: SenderInternals): Promise<boolean> {
  try {
    await sender._disconnect()
  } catch (error) {
    sender._log.warn('Error happened while disconnecting')
    await sender._client._errorHandler?.(error)
  }
  const unanswered = unsettledRequests(sender)
  sender._sendQueue.clear()
  sender._pendingState.clear()
  sender._state.reset()
  const old = sender._connection
  const connection = new old.constructor({
    ip: old._ip,
    port: old._port,
    dcId: old._dcId,
    loggers: old._log,
    proxy: old._proxy,
    testServers: old._testServers,
    socket: sender._client.networkSocket,
  })
  // Another DC's failed connect throws (see the connect patch); here it is a failure like the home DC's.
  const connected = await sender.connect(connection, true).catch(() => false)
  sender.isReconnecting = false
  // A failed connect has settled every request (the queue still listed each one).
  if (!connected) return false
  // A request that settled meanwhile has left the queue's list (nothing else settles one without an answer).
  const stillWaiting = new Set(sender._sendQueue._pendingStates)
  sender._sendQueue.prepend(unanswered.filter((state) => stillWaiting.has(state)))
  return true
}

/** Connects `sender` again after it gave up (see the module comment); requests meanwhile wait for the same attempt. */
function reopen(sender: SenderInternals): Promise<void> {
  sender.tgProfileReopening ??= (async () => {
    sender.tgProfileGaveUp = false
    sender.userDisconnected = false
    sender.isReconnecting = true
    try {
      // GramJS's catch-up after a reconnect sends requests of its own: not waited for here, or they would wait on
      // this very attempt.
      if (await connectAgain(sender)) void sender._autoReconnectCallback?.().catch(() => undefined)
    } finally {
      sender.tgProfileReopening = undefined
    }
  })()
  return sender.tgProfileReopening
}

/** A request for a sender that gave up connects it again first (see the module comment). */
function patchClientInvoke(): void {
  const clientProto = clientPrototype<{ __tgProfileReopenFix?: true }>()
  if (clientProto.__tgProfileReopenFix === true) return
  clientProto.__tgProfileReopenFix = true
  const { invoke } = clientProto
  clientProto.invoke = async function (this: ClientInternals, request: unknown, dcId?: number, otherSender?: unknown): Promise<unknown> {
    const sender = otherSender === undefined ? (dcId === undefined ? this._sender : await this.getSender(dcId)) : undefined
    // A failed reconnect settles its requests with a NetworkError; GramJS's invoke then refuses this one the same way.
    if (sender?.tgProfileGaveUp === true || sender?.tgProfileReopening !== undefined) await reopen(sender)
    return invoke.call(this, request, dcId, otherSender)
  }
}

/** Whether the fix is in place. */
export function gramjsReconnectFixApplied(): boolean {
  return proto.__tgProfileReconnectFix === true
}

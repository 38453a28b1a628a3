/**
 * A fix for GramJS 2.26's first connect (`TelegramClient.connect`). `invoke` waits for `_connectedDeferred`, which
 * only a `connect()` that succeeds resolves; when every attempt of the first `connect()` fails, that call resolves
 * `false` and the promise never settles, so every request of that client waits forever: the ones already waiting,
 * and every later one, even after the sender has connected again by itself (the reconnect fix's reopening, or
 * GramJS's keep-alive): it is connected, yet nothing it is asked is ever sent.
 *
 * A first handshake fails in the field for ordinary reasons (a connection reset, a transport error such as -404 from
 * a DC that lost the handshake's state, a DC that is away), so a program that ignores `connect()`'s `false` and
 * invokes hangs with no error and no traffic.
 *
 * Here, when the first `connect()` fails, the requests waiting for it are rejected with the {@link NetworkError} of
 * the failed attempts, and the next request connects first, as `connect()` would (key, session, `initConnection`),
 * and fails with that error if connecting fails again. A client that connected once is left to GramJS and the
 * reconnect fix.
 *
 * Like the other fixes, this patches the prototype once, from `install()`, before any client connects. It is
 * installed after the reconnect fix, so that its `invoke` runs first.
 */
import { clientPrototype, type ClientInternals, type Deferred } from '../internals.js'
import { connectFailed } from './reconnect.js'

const proto = clientPrototype<{ __tgProfileFirstConnectFix?: true }>()

function deferred(): Deferred {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const connectedOnce = (client: ClientInternals): boolean => client.tgProfileConnectedOnce === true

/** The error of the failed first connect of `client`. */
function failure(client: ClientInternals): Error {
  const sender = client._sender
  if (sender === undefined) return connectFailed(0, 1)
  return connectFailed(sender._dcId, sender._retries, sender.tgProfileConnectError)
}

/** Rejects the requests waiting for the first connect, and gives later ones a fresh promise to wait for. */
function settleWaiting(client: ClientInternals): void {
  const waiting = client._connectedDeferred
  client._connectedDeferred = deferred()
  // nobody may be waiting: the rejection is only for those who are
  waiting.promise.catch(() => undefined)
  waiting.reject(failure(client))
}

/** GramJS's `connect()`, and what a failed first one leaves settled (see the module comment). */
async function connectOnce(client: ClientInternals, connect: () => Promise<boolean>): Promise<boolean> {
  let connected = await connect.call(client)
  const sender = client._sender
  // `false` also means "already connected": after a failed first connect, GramJS's keep-alive may have connected
  // the sender by itself, with no initConnection and nothing resolved; it is connected again the way connect() does
  if (!connected && !connectedOnce(client) && sender?.isConnected() === true) {
    await sender.disconnect()
    connected = await connect.call(client)
  }
  if (connected) client.tgProfileConnectedOnce = true
  else if (!connectedOnce(client)) settleWaiting(client)
  return connected
}

/** Applies the fix (once; later calls do nothing). */
export function installFirstConnectFix(): void {
  if (proto.__tgProfileFirstConnectFix === true) return
  proto.__tgProfileFirstConnectFix = true
  const { connect, invoke } = proto
  proto.connect = function (this: ClientInternals): Promise<boolean> {
    const attempt = connectOnce(this, connect)
    this.tgProfileConnecting = attempt
    const clear = (): void => {
      if (this.tgProfileConnecting === attempt) this.tgProfileConnecting = undefined
    }
    attempt.then(clear, clear)
    return attempt
  }
  proto.invoke = async function (this: ClientInternals, request: unknown, dcId?: number, otherSender?: unknown): Promise<unknown> {
    // A client whose first connect failed (and that is not connecting now) connects before it sends.
    if (!connectedOnce(this) && this._sender !== undefined && this.tgProfileConnecting === undefined) {
      if (!(await this.connect()) && !connectedOnce(this)) throw failure(this)
    }
    return invoke.call(this, request, dcId, otherSender)
  }
}

/** Whether the fix is in place. */
export function gramjsFirstConnectFixApplied(): boolean {
  return proto.__tgProfileFirstConnectFix === true
}

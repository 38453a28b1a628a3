/**
 * The socket reader (`PromisedNetSockets`) appended every received chunk to one buffer with `Buffer.concat` (under a
 * mutex shared by every socket of the process), and `readExactly` concatenated again after each partial read: a
 * 1 MiB answer arriving in 64 KiB chunks was copied over and over while it arrived. Here chunks are kept in a list
 * and a read assembles its bytes once (none when one chunk holds them).
 */
import { Socket } from 'node:net'
import { gramjsModule } from '../internals.js'
import { BLOCK_SIZE, ReceiveQueue, packetMemory } from './packet-memory.js'

interface NetSocketLike {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
  on(event: 'error' | 'close', listener: (error?: Error) => void): unknown
  connect(port: number, host: string, listener: () => void): unknown
  readonly destroyed: boolean
}

/** The fields of GramJS's `PromisedNetSockets` these methods use, plus the receive queue. */
interface PromisedSocket {
  client?: NetSocketLike
  proxy?: unknown
  stream?: Buffer
  closed: boolean
  canRead?: Promise<boolean>
  resolveRead?: (more: boolean) => void
  /** Received bytes not yet read (absent on a socket GramJS's own reader fills). */
  tgProfileQueue?: ReceiveQueue
  /** A `readExactly` waiting for more bytes: what arrives is copied straight into its packet. */
  tgProfileFilling?: { packet: Buffer; filled: number }
  /** Counts connections of this socket object: a read of an earlier connection must not take the current one's. */
  tgProfileConnection?: number
  /** `canRead` is pending (no bytes arrived since it was made). */
  tgProfileWaiting?: boolean
  receive(): Promise<void>
}

interface PromisedSocketProto extends PromisedSocket {
  connect(port: number, ip: string): Promise<unknown>
  read(n: number): Promise<Buffer>
  readExactly(n: number): Promise<Buffer>
  readAll(): Promise<Buffer>
}

/** GramJS's message for a read on a closed socket (its own error object is not exported). */
const SOCKET_CLOSED = 'NetSocket was closed'

/**
 * Bytes arrived on `sock`'s connection number `connection`: into the waiting `readExactly`'s packet first, the rest
 * into the queue. Bytes of an earlier connection of the same socket object (GramJS reconnects by calling `connect`
 * again) are dropped: they belong to a stream the reads no longer follow.
 */
function received(sock: PromisedSocket, connection: number | undefined, data: Uint8Array): void {
  if (sock.tgProfileConnection !== connection) return
  let rest = data
  const filling = sock.tgProfileFilling
  if (filling !== undefined && filling.filled < filling.packet.length) {
    const n = Math.min(filling.packet.length - filling.filled, data.length)
    filling.packet.set(data.subarray(0, n), filling.filled)
    filling.filled += n
    rest = data.subarray(n)
  }
  if (rest.length > 0) sock.tgProfileQueue?.append(rest)
  sock.tgProfileWaiting = false
  sock.resolveRead?.(true)
}

/** Up to `n` waiting bytes of `sock` (at least one is waiting), in a Buffer of their own. */
function takeWaiting(queue: ReceiveQueue, n: number): Buffer {
  const out = packetMemory.packet(Math.min(n, queue.length))
  queue.takeInto(out, 0, out.length)
  return out
}

/**
 * The pending `canRead` that the next bytes resolve (GramJS's close handler resolves it with `false`). Every reader
 * waiting at the same time shares it.
 */
function waitForData(sock: PromisedSocket): Promise<boolean> {
  if (sock.tgProfileWaiting !== true || sock.canRead === undefined) {
    sock.canRead = new Promise<boolean>((resolve) => {
      sock.resolveRead = resolve
    })
    sock.tgProfileWaiting = true
  }
  return sock.canRead
}

/** Throws GramJS's closed-socket error when `sock` closed, or reconnected since a read of `connection` began. */
function checkOpen(sock: PromisedSocket, connection: number | undefined): void {
  if (sock.closed || sock.tgProfileConnection !== connection) throw new Error(SOCKET_CLOSED)
}

/**
 * GramJS's socket reader, with received bytes kept in reused blocks ({@link ReceiveQueue}) and each read assembled
 * once into a Buffer of its own, pooled for packets of file-part size ({@link packetMemory}). Without a proxy the
 * socket reads into one fixed buffer (Node's `onread`), so a read allocates nothing; through a SOCKS proxy GramJS
 * connects and its `data` chunks are copied into the queue.
 */
export function installPooledSocketReader(): void {
  const module = gramjsModule<{ PromisedNetSockets: { prototype: PromisedSocketProto } }>('telegram/extensions/PromisedNetSockets.js')
  const proto = module.PromisedNetSockets.prototype
  const { connect, receive, read, readExactly, readAll } = proto
  // A socket that began connecting before this was installed fills GramJS's own buffer: it keeps GramJS's own reads.
  const gramjsBuffered = (sock: PromisedSocket): boolean => sock.tgProfileQueue === undefined
  proto.connect = function (this: PromisedSocketProto, port: number, ip: string) {
    const connection = (this.tgProfileConnection ?? 0) + 1
    this.tgProfileConnection = connection
    ;(this.tgProfileQueue ??= new ReceiveQueue(packetMemory)).clear()
    this.tgProfileFilling = undefined
    // A read still waiting on the previous connection wakes up and finds the socket reconnected (it throws GramJS's
    // closed-socket error, as a read on a closed socket does).
    if (this.tgProfileWaiting === true) {
      this.tgProfileWaiting = false
      this.resolveRead?.(false)
    }
    if (this.proxy !== undefined) {
      const connected = connect.call(this, port, ip)
      // GramJS has just made a fresh pending `canRead` (only after the proxy handshake; until then `closed` is
      // still true and reads throw).
      this.tgProfileWaiting = true
      return connected
    }
    return connectOwnSocket(this, port, ip, connection)
  }
  proto.receive = async function (this: PromisedSocket): Promise<void> {
    // A socket whose connect began before the install looks `receive` up once connected: GramJS's own fills its stream.
    if (gramjsBuffered(this)) return receive.call(this)
    // Only a proxied socket emits `data` (one made with `onread` hands its bytes to `received` directly).
    const connection = this.tgProfileConnection
    this.client?.on('data', (chunk: Buffer) => received(this, connection, chunk))
  }
  proto.read = async function (this: PromisedSocketProto, n: number): Promise<Buffer> {
    if (gramjsBuffered(this)) return read.call(this, n)
    const connection = this.tgProfileConnection
    for (;;) {
      checkOpen(this, connection)
      if (this.tgProfileQueue!.length > 0) return takeWaiting(this.tgProfileQueue!, n)
      await waitForData(this)
    }
  }
  proto.readExactly = async function (this: PromisedSocketProto, n: number): Promise<Buffer> {
    // GramJS gives a negative length (a -404/-429 transport error read as a length) its own handling: keep it.
    if (gramjsBuffered(this) || !(n > 0)) return readExactly.call(this, n)
    const connection = this.tgProfileConnection
    checkOpen(this, connection)
    const queue = this.tgProfileQueue!
    const packet = packetMemory.packet(n)
    const waiting = Math.min(n, queue.length)
    queue.takeInto(packet, 0, waiting)
    if (waiting === n) return packet
    const filling = { packet, filled: waiting }
    this.tgProfileFilling = filling
    try {
      for (;;) {
        await waitForData(this)
        checkOpen(this, connection)
        if (filling.filled === n) return packet
      }
    } finally {
      if (this.tgProfileFilling === filling) this.tgProfileFilling = undefined
    }
  }
  proto.readAll = async function (this: PromisedSocketProto): Promise<Buffer> {
    if (gramjsBuffered(this)) return readAll.call(this)
    return this.read(Number.MAX_SAFE_INTEGER)
  }
}

/**
 * GramJS's own steps of `PromisedNetSockets.connect` without a proxy, the socket made with a read buffer of its own
 * (Node's `onread`): received bytes go straight to {@link received}.
 */
function connectOwnSocket(sock: PromisedSocket, port: number, ip: string, connection: number): Promise<unknown> {
  const readBuffer = Buffer.allocUnsafeSlow(BLOCK_SIZE)
  const onread = (n: number, buffer: Uint8Array): void => {
    try {
      received(sock, connection, buffer.subarray(0, n))
    } catch (error) {
      // Node would leave an exception thrown here uncaught (it ends the process); the connection fails instead,
      // and GramJS reconnects as on any broken connection.
      socket.destroy(error instanceof Error ? error : new Error(String(error)))
    }
  }
  // Node reads `onread` from the constructor's options too (its types list it under connect's only).
  const options = { onread: { buffer: readBuffer, callback: onread } }
  const socket = new Socket(options as ConstructorParameters<typeof Socket>[0])
  const client = socket as unknown as NetSocketLike
  sock.stream = Buffer.alloc(0)
  sock.client = client
  sock.canRead = new Promise<boolean>((resolve) => {
    sock.resolveRead = resolve
  })
  sock.tgProfileWaiting = true
  sock.closed = false
  return new Promise((resolve, reject) => {
    client.connect(port, ip, () => {
      void sock.receive()
      resolve(sock)
    })
    client.on('error', reject)
    client.on('close', () => {
      if (sock.client?.destroyed === true) {
        sock.resolveRead?.(false)
        sock.closed = true
      }
    })
  })
}

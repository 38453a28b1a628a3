/**
 * One client connection to an emulated DC: transport framing, the unencrypted handshake, and MTProto 2.0
 * encrypted sessions with the service layer (https://core.telegram.org/mtproto/description,
 * https://core.telegram.org/mtproto/service_messages, https://core.telegram.org/mtproto/service_messages_about_messages).
 *
 * Strict readings, written down because the spec leaves them open:
 * - Unknown auth_key_id, a msg_key that does not match, an inner length or padding outside 12–1024 bytes: transport
 *   error -404, then close.
 * - Checks on each message, in this order: msg_id parity (18), time window of 300 s past / 30 s future (16/17),
 *   seq_no parity against the kind of message (34/35), then the server salt (`bad_server_salt`, code 48).
 *   Tolerance: a `msgs_ack` is accepted whatever its seq_no parity. The docs make acks not content-related (even
 *   seq_no), but mtcute numbers its acks as content-related on every production connection and Telegram answers
 *   it normally, so Telegram evidently does not check them; a container with an odd seq_no is still refused (34).
 *   A refused message is not remembered, so the client may resend it. Of the seq_no rules only the parity is
 *   enforced (codes 32/33, seq_no too low/high, are not produced).
 * - Each incoming message is checked once: `new_session_created` is sent for the first message of an unknown
 *   session_id, before that message's own checks.
 * - A msg_id seen before in the session is ignored (the last 4096 per session are kept).
 * - RPC queries run concurrently and are answered as each completes; answers above {@link GZIP_THRESHOLD} bytes
 *   (up to {@link GZIP_MAX}; `upload.file` never) go out as `gzip_packed` when that is smaller. Messages ready
 *   together leave in one `msg_container`.
 * - `ping`, `get_future_salts`, `msgs_state_req` and `destroy_session` (with a bare `destroy_session_ok` /
 *   `destroy_session_none`, as core.telegram.org/mtproto/service_messages shows and clients expect) are answered
 *   directly, not in `rpc_result`, like Telegram; `rpc_drop_answer` is answered in `rpc_result`.
 * - Tolerance: an inbound `gzip_packed` may hold a gzip stream (the docs) or a zlib stream, told apart by the
 *   header: mtcute compresses requests over 128 bytes as zlib and works against Telegram, so Telegram accepts both.
 *   Answers are always gzip.
 * - `auth.bindTempAuthKey` is answered here, as it concerns the keys themselves (pfs.ts); an unbound temporary key
 *   gets `401 AUTH_KEY_PERM_EMPTY` for every other method, a bound one acts with its permanent key's login.
 * - `invokeAfterMsg`/`invokeAfterMsgs` wait for the named queries of the same session still running; `msgs_ack`,
 *   `msg_resend_req` and `http_wait` are accepted and need no answer (the emulator does not resend).
 * - A query whose constructor is not a known method: `rpc_error 400 INPUT_METHOD_INVALID_<id>`; a method whose
 *   arguments do not parse: `400 INPUT_CONSTRUCTOR_INVALID`; an app failure other than RpcError: `500
 *   INTERNAL_SERVER_ERROR`. Nothing is left unanswered.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { gzipSync, unzipSync } from 'node:zlib'
import { Api } from 'telegram'
import { BinaryReader } from 'telegram/extensions/index.js'
import { tlobjects } from 'telegram/tl/AllTLObjects.js'
import { TL } from '../../spec/tl-ids.js'
import { toBigInteger } from '../../spec/long.js'
import { RpcError, type CallContext, type DcAddress, type RpcAnswer, type RpcApp, type TlRequest } from '../rpc.js'
import { decryptMessage, encryptMessageParts } from './crypto.js'
import { Handshake, SALT_LIFETIME_S, type AuthKeyRecord, type AuthKeyStore } from './handshake.js'
import { ServerMsgIds, msgIdSeconds } from './msg-id.js'
import { bindTempAuthKey } from './pfs.js'
import { ServerTransport, TRANSPORT_ERROR, TransportViolation } from './transport.js'

/** Answers larger than this many bytes are gzip-compressed when that makes them smaller. */
export const GZIP_THRESHOLD = 1024
/** Answers above this size are sent as they are (compressing them costs more than it saves on loopback). */
export const GZIP_MAX = 256 * 1024
const UPLOAD_FILE = Api.upload.File.CONSTRUCTOR_ID >>> 0
/** How many past msg_ids a session remembers for duplicate detection. */
export const SEEN_MSG_IDS = 4096

const C = TL

/** Counters of one DC that the application layer cannot see. */
export interface ProtocolCounters {
  connections: number
  handshakes: number
  transportErrors: number
  encryptedMessages: number
  badMsgNotifications: number
  badServerSalts: number
  rpcCalls: number
  droppedConnections: number
}

/** What a connection needs from its DC server. */
export interface DcHost {
  readonly dcId: number
  readonly dcs: () => readonly DcAddress[]
  readonly app: RpcApp
  readonly keys: AuthKeyStore
  readonly handshake: Omit<ConstructorParameters<typeof Handshake>[0], 'keys' | 'dcId'>
  readonly sessions: Map<string, SessionState>
  readonly counters: ProtocolCounters
  /** Probability of destroying the socket on an incoming encrypted message. */
  readonly dropRate: number
  readonly random: () => number
  readonly nowMs: () => number
  /** The clock temporary auth keys expire by. */
  readonly keyNowMs: () => number
}

/** Server-side state of one MTProto session (auth key + session_id); outlives connections. */
export interface SessionState {
  readonly sessionId: bigint
  readonly record: AuthKeyRecord
  readonly msgIds: ServerMsgIds
  readonly seen: Set<bigint>
  readonly seenOrder: bigint[]
  /** Number of content-related messages the server sent (for seq_no). */
  contentSent: number
  layer: number | undefined
  /** Queries in progress, for invokeAfterMsg. */
  readonly running: Map<bigint, Promise<void>>
  /** Queries answered, for msgs_state_req. */
  readonly answered: Set<bigint>
  connection: ServerConnection | undefined
}

interface Outgoing {
  /** The message body in pieces (`rpc_result` header, result), joined only when encrypted. */
  readonly parts: Buffer[]
  readonly length: number
  /** Called once the message has been written to the connection. */
  readonly onWritten: (() => void) | undefined
  readonly contentRelated: boolean
  readonly kind: 'response' | 'other'
}

function tlLong(v: bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64LE(BigInt.asIntN(64, v))
  return b
}
function tlInt(v: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32LE(v | 0)
  return b
}
function tlUint(v: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v >>> 0)
  return b
}
function tlString(s: string): Buffer {
  return tlBytesOf(Buffer.from(s, 'utf8'))
}

/**
 * Serializes what an RPC handler returned. An `upload.file` comes back in pieces around its `bytes`, so a file part
 * is not copied here (it is copied once, into the encrypted message).
 */
export function serializeAnswer(answer: RpcAnswer): Buffer | Buffer[] {
  if (answer instanceof Api.upload.File) {
    // upload.file#096a18d5 type:storage.FileType mtime:int bytes:bytes
    const [bytesHead, data, bytesPad] = tlBytesParts(answer.bytes)
    return [Buffer.concat([tlUint(UPLOAD_FILE), answer.type.getBytes(), tlInt(answer.mtime), bytesHead]), data, bytesPad]
  }
  if (typeof answer === 'boolean') return tlUint(answer ? C.boolTrue : C.boolFalse)
  if (Array.isArray(answer)) {
    const items = (answer as readonly unknown[]).map((x) =>
      typeof x === 'bigint' ? tlLong(x) : (x as { getBytes(): Buffer }).getBytes(),
    )
    return Buffer.concat([tlUint(C.vector), tlUint(items.length), ...items])
  }
  return (answer as { getBytes(): Buffer }).getBytes()
}

/** The TL of `rpc_error`. */
export function rpcErrorBody(code: number, message: string): Buffer {
  return Buffer.concat([tlUint(C.rpcError), tlInt(code), tlString(message)])
}

/** Wrappers peeled from a query before it reaches the app. */
interface Peeled {
  readonly query: unknown
  readonly layer: number | undefined
  readonly afterMsgIds: bigint[]
  readonly init: { apiId: number } | undefined
}

function peel(obj: unknown): Peeled {
  let q = obj
  let layer: number | undefined
  const afterMsgIds: bigint[] = []
  let init: { apiId: number } | undefined
  for (;;) {
    if (q instanceof Api.InvokeWithLayer) {
      layer = q.layer
      q = q.query
    } else if (q instanceof Api.InitConnection) {
      init = { apiId: q.apiId }
      q = q.query
    } else if (q instanceof Api.InvokeWithoutUpdates) {
      q = q.query
    } else if (q instanceof Api.InvokeAfterMsg) {
      afterMsgIds.push(BigInt(q.msgId.toString()))
      q = q.query
    } else if (q instanceof Api.InvokeAfterMsgs) {
      for (const id of q.msgIds) afterMsgIds.push(BigInt(id.toString()))
      q = q.query
    } else {
      return { query: q, layer, afterMsgIds, init }
    }
  }
}

/** One TCP connection to an emulated DC. */
export class ServerConnection {
  private readonly transport = new ServerTransport()
  private readonly handshake: Handshake
  private readonly plainMsgIds: ServerMsgIds
  private closed = false
  private queue: Outgoing[] = []
  private flushScheduled = false
  private session: SessionState | undefined
  private record: AuthKeyRecord | undefined
  private pendingAcks: bigint[] = []
  private disconnectTimer: NodeJS.Timeout | undefined
  private flushImmediate: NodeJS.Immediate | undefined

  constructor(
    private readonly socket: Socket,
    private readonly host: DcHost,
  ) {
    host.counters.connections++
    this.plainMsgIds = new ServerMsgIds(host.nowMs)
    this.handshake = new Handshake({
      ...host.handshake,
      dcId: host.dcId,
      keys: host.keys,
      onKey: (r) => {
        host.counters.handshakes++
        host.handshake.onKey?.(r)
      },
    })
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => this.close())
    socket.on('close', () => this.close())
  }

  /** The detected transport, e.g. `full` or `obfuscated+abridged`. */
  get transportName(): string {
    return this.transport.name
  }

  /** Destroys the socket and forgets pending work. */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
    if (this.flushImmediate) clearImmediate(this.flushImmediate)
    if (this.session?.connection === this) this.session.connection = undefined
    this.socket.destroy()
  }

  private transportError(code: number): void {
    this.host.counters.transportErrors++
    const frame = this.transport.encodeError(code)
    if (frame !== undefined && !this.closed) {
      this.closed = true
      if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
      if (this.flushImmediate) clearImmediate(this.flushImmediate)
      if (this.session?.connection === this) this.session.connection = undefined
      this.socket.end(frame)
      this.socket.destroySoon()
    } else {
      this.close()
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    try {
      for (const packet of this.transport.push(chunk)) {
        if (this.closed) return
        this.onPacket(packet)
      }
    } catch (e) {
      this.transportError(e instanceof TransportViolation ? e.code : TRANSPORT_ERROR.AUTH_KEY_NOT_FOUND)
    }
  }

  private onPacket(packet: Buffer): void {
    if (packet.length < 8) throw new TransportViolation('packet shorter than auth_key_id')
    const authKeyId = packet.readBigUInt64LE(0)
    if (authKeyId === 0n) {
      if (packet.length < 20) throw new TransportViolation('unencrypted message too short')
      const msgId = packet.readBigUInt64LE(8)
      const len = packet.readUInt32LE(16)
      if (len + 20 > packet.length || msgId % 4n !== 0n) throw new TransportViolation('malformed unencrypted message')
      const reply = this.handshake.handle(packet.subarray(20, 20 + len))
      const out = Buffer.alloc(20)
      out.writeBigUInt64LE(this.plainMsgIds.next('response'), 8)
      out.writeUInt32LE(reply.length, 16)
      this.write(Buffer.concat([out, reply]))
      return
    }
    const record = this.host.keys.get(authKeyId)
    if (record === undefined) throw new TransportViolation(`unknown auth_key_id ${authKeyId}`)
    if (record.expiresAt !== undefined && record.expiresAt <= Math.floor(this.host.keyNowMs() / 1000)) {
      this.host.keys.delete(authKeyId)
      if (record.perm?.boundTemp === record) record.perm.boundTemp = undefined
      throw new TransportViolation('temporary auth key expired')
    }
    const plain = decryptMessage(record.key, packet.subarray(8), 0)
    if (plain === undefined) throw new TransportViolation('msg_key mismatch')
    const len = plain.readUInt32LE(28)
    const padding = plain.length - 32 - len
    if (len % 4 !== 0 || padding < 12 || padding > 1024) throw new TransportViolation('bad inner length or padding')
    this.host.counters.encryptedMessages++
    if (this.host.dropRate > 0 && this.host.random() < this.host.dropRate) {
      this.host.counters.droppedConnections++
      this.close()
      return
    }
    const salt = plain.readBigInt64LE(0)
    const sessionId = plain.readBigInt64LE(8)
    const msgId = plain.readBigInt64LE(16)
    const seqNo = plain.readInt32LE(24)
    this.record = record
    this.attachSession(record, sessionId, msgId)
    this.onMessage(msgId, seqNo, plain.subarray(32, 32 + len), salt)
    this.scheduleFlush()
  }

  private now(): number {
    return Math.floor(this.host.nowMs() / 1000)
  }

  private attachSession(record: AuthKeyRecord, sessionId: bigint, firstMsgId: bigint): void {
    const key = `${record.state.authKeyId}:${sessionId}`
    let s = this.host.sessions.get(key)
    if (s === undefined) {
      s = {
        sessionId,
        record,
        msgIds: new ServerMsgIds(this.host.nowMs),
        seen: new Set(),
        seenOrder: [],
        contentSent: 0,
        layer: undefined,
        running: new Map(),
        answered: new Set(),
        connection: this,
      }
      this.host.sessions.set(key, s)
      this.session = s
      // new_session_created#9ec20908 first_msg_id:long unique_id:long server_salt:long
      this.enqueue(
        new Api.NewSessionCreated({
          firstMsgId: toBigInteger(firstMsgId),
          uniqueId: toBigInteger(randomBytes(8).readBigInt64LE(0)),
          serverSalt: toBigInteger(this.currentSalt(record)),
        }).getBytes(),
        true,
        'other',
      )
      return
    }
    s.connection = this
    this.session = s
  }

  /** The salt valid now, creating new ones as old ones expire. */
  private currentSalt(record: AuthKeyRecord): bigint {
    this.ensureSalts(record, 1)
    const now = this.now()
    const valid = record.salts.find((s) => s.validSince <= now && now < s.validUntil)
    return valid!.salt
  }

  private ensureSalts(record: AuthKeyRecord, count: number): void {
    const now = this.now()
    while (record.salts.length > 0 && record.salts[0]!.validUntil <= now) record.salts.shift()
    let last = record.salts[record.salts.length - 1]
    if (last === undefined) {
      last = { salt: randomBytes(8).readBigInt64LE(0), validSince: now - 1, validUntil: now + SALT_LIFETIME_S }
      record.salts.push(last)
    }
    while (record.salts.length < count) {
      const since: number = last.validUntil
      last = { salt: randomBytes(8).readBigInt64LE(0), validSince: since, validUntil: since + SALT_LIFETIME_S }
      record.salts.push(last)
    }
  }

  private saltValid(record: AuthKeyRecord, salt: bigint): boolean {
    const now = this.now()
    this.ensureSalts(record, 1)
    // A salt stays acceptable for a short grace period past its end, as Telegram allows.
    return record.salts.some((s) => s.salt === salt && s.validSince <= now + 1 && now < s.validUntil + 60)
  }

  private badMsg(msgId: bigint, seqNo: number, code: number): void {
    this.host.counters.badMsgNotifications++
    this.enqueue(
      new Api.BadMsgNotification({ badMsgId: toBigInteger(msgId), badMsgSeqno: seqNo, errorCode: code }).getBytes(),
      false,
      'response',
    )
  }

  /** Validates and processes one message (top level or inside a container). */
  private onMessage(msgId: bigint, seqNo: number, body: Buffer, salt: bigint | undefined): void {
    const s = this.session!
    if (body.length < 4) {
      this.badMsg(msgId, seqNo, 64)
      return
    }
    if (msgId % 4n !== 0n) return this.badMsg(msgId, seqNo, 18)
    const now = this.now()
    const t = msgIdSeconds(msgId)
    if (t < now - 300) return this.badMsg(msgId, seqNo, 16)
    if (t > now + 30) return this.badMsg(msgId, seqNo, 17)
    const ctor = body.readUInt32LE(0)
    const contentRelated = ctor !== C.msgsAck && ctor !== C.msgContainer
    if (contentRelated && seqNo % 2 === 0) return this.badMsg(msgId, seqNo, 35)
    // An odd seq_no on msgs_ack is tolerated (see the header); on a container it is refused.
    if (ctor === C.msgContainer && seqNo % 2 === 1) return this.badMsg(msgId, seqNo, 34)
    if (salt !== undefined && !this.saltValid(s.record, salt)) {
      this.host.counters.badServerSalts++
      this.enqueue(
        new Api.BadServerSalt({
          badMsgId: toBigInteger(msgId),
          badMsgSeqno: seqNo,
          errorCode: 48,
          newServerSalt: toBigInteger(this.currentSalt(s.record)),
        }).getBytes(),
        false,
        'response',
      )
      return
    }
    if (s.seen.has(msgId)) return
    s.seen.add(msgId)
    s.seenOrder.push(msgId)
    if (s.seenOrder.length > SEEN_MSG_IDS) {
      const old = s.seenOrder.shift()!
      s.seen.delete(old)
      s.answered.delete(old)
    }
    if (contentRelated && ctor !== C.gzipPacked) this.pendingAcks.push(msgId)
    this.dispatch(msgId, body)
  }

  private dispatch(msgId: bigint, body: Buffer): void {
    const ctor = body.readUInt32LE(0)
    switch (ctor) {
      case C.msgContainer: {
        const count = body.readUInt32LE(4)
        let off = 8
        for (let i = 0; i < count; i++) {
          if (off + 16 > body.length) break
          const id = body.readBigInt64LE(off)
          const seq = body.readInt32LE(off + 8)
          const len = body.readUInt32LE(off + 12)
          const inner = body.subarray(off + 16, off + 16 + len)
          off += 16 + len
          if (inner.readUInt32LE(0) === C.msgContainer) continue // containers do not nest
          this.onMessage(id, seq, inner, undefined)
        }
        return
      }
      case C.gzipPacked: {
        let inner: Buffer
        try {
          const reader = new BinaryReader(body.subarray(4))
          // gzip or zlib, told apart by the header (see the module header)
          inner = unzipSync(reader.tgReadBytes())
        } catch {
          this.refuse(msgId, { constructorId: C.gzipPacked, method: undefined, error: 'INPUT_CONSTRUCTOR_INVALID' })
          return
        }
        // the wrapper was already acknowledged as one message; its content answers as the same msg_id
        this.pendingAcks.push(msgId)
        this.dispatch(msgId, inner)
        return
      }
      case C.msgsAck:
      case C.msgResendReq:
      case C.httpWait:
        return
      default:
        break
    }
    let obj: unknown
    try {
      obj = new BinaryReader(body).tgReadObject()
    } catch {
      const known = this.isKnownMethod(ctor)
      const error = known ? 'INPUT_CONSTRUCTOR_INVALID' : `INPUT_METHOD_INVALID_${ctor}`
      this.refuse(msgId, { constructorId: ctor, method: undefined, error })
      return
    }
    const s = this.session!
    if (obj instanceof Api.Ping || obj instanceof Api.PingDelayDisconnect) {
      if (obj instanceof Api.PingDelayDisconnect) this.armDisconnect(obj.disconnectDelay)
      this.enqueue(new Api.Pong({ msgId: toBigInteger(msgId), pingId: obj.pingId }).getBytes(), true, 'response')
      return
    }
    if (obj instanceof Api.GetFutureSalts) {
      const num = Math.max(1, Math.min(64, obj.num))
      this.ensureSalts(s.record, num)
      // future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt>: a bare vector (no 0x1cb5c415)
      // of bare future_salt (no constructor), which GramJS's generated class gets wrong; written by hand.
      const salts = s.record.salts.slice(0, num)
      this.enqueue(
        Buffer.concat([
          tlUint(C.futureSalts),
          tlLong(msgId),
          tlInt(this.now()),
          tlUint(salts.length),
          ...salts.flatMap((x) => [tlInt(x.validSince), tlInt(x.validUntil), tlLong(x.salt)]),
        ]),
        true,
        'response',
      )
      return
    }
    if (obj instanceof Api.MsgsStateReq) {
      const now = this.now()
      const info = Buffer.from(
        obj.msgIds.map((x) => {
          const id = BigInt(x.toString())
          if (s.seen.has(id)) return s.answered.has(id) ? 4 | 8 : 4
          const t = msgIdSeconds(id)
          if (t < now - 300) return 1
          if (t > now + 30) return 3
          return 2
        }),
      )
      this.enqueue(new Api.MsgsStateInfo({ reqMsgId: toBigInteger(msgId), info: info.toString('latin1') }).getBytes(), true, 'response')
      return
    }
    if (obj instanceof Api.DestroySession) {
      const target = BigInt(obj.sessionId.toString())
      const key = `${s.record.state.authKeyId}:${target}`
      const existed = target !== s.sessionId && this.host.sessions.delete(key)
      const res = existed
        ? new Api.DestroySessionOk({ sessionId: obj.sessionId })
        : new Api.DestroySessionNone({ sessionId: obj.sessionId })
      this.enqueue(res.getBytes(), true, 'response')
      return
    }
    if (obj instanceof Api.RpcDropAnswer) {
      this.enqueueRpc(msgId, new Api.RpcAnswerUnknown().getBytes())
      return
    }
    const peeled = peel(obj)
    const q = peeled.query as Partial<TlRequest> & { classType?: string }
    if (q === null || typeof q !== 'object' || q.classType !== 'request' || typeof q.className !== 'string') {
      this.refuse(msgId, { constructorId: ctor, method: undefined, error: `INPUT_METHOD_INVALID_${ctor}` })
      return
    }
    if (peeled.layer !== undefined) s.layer = peeled.layer
    if (peeled.init !== undefined) s.record.state.connection = { apiId: peeled.init.apiId, layer: s.layer }
    this.host.counters.rpcCalls++
    if (q instanceof Api.auth.BindTempAuthKey) {
      const refused = bindTempAuthKey(
        {
          permAuthKeyId: BigInt(q.permAuthKeyId.toString()),
          nonce: BigInt(q.nonce.toString()),
          expiresAt: q.expiresAt,
          encryptedMessage: q.encryptedMessage,
        },
        { temp: s.record, keys: this.host.keys, msgId, sessionId: s.sessionId, now: Math.floor(this.host.keyNowMs() / 1000) },
      )
      this.host.app.answeredByProtocol?.({ dcId: this.host.dcId, constructorId: q.CONSTRUCTOR_ID >>> 0, method: q.className, error: refused })
      this.enqueueRpc(msgId, refused === undefined ? tlUint(C.boolTrue) : rpcErrorBody(400, refused))
      return
    }
    if (s.record.expiresAt !== undefined && s.record.perm === undefined) {
      const method = q.className
      this.refuse(msgId, { constructorId: (q.CONSTRUCTOR_ID ?? 0) >>> 0, method, error: 'AUTH_KEY_PERM_EMPTY' }, 401)
      return
    }
    const ctx: CallContext = {
      dcId: this.host.dcId,
      dcs: this.host.dcs(),
      // a bound temporary key acts with its permanent key's authorization
      auth: (s.record.perm ?? s.record).state,
      sessionId: s.sessionId,
      msgId,
      layer: s.layer,
    }
    const waitFor = peeled.afterMsgIds.map((id) => s.running.get(id)).filter((p): p is Promise<void> => p !== undefined)
    const run = (async (): Promise<void> => {
      if (waitFor.length > 0) await Promise.all(waitFor)
      let body: Buffer | Buffer[]
      let onWritten: (() => void) | undefined
      try {
        body = serializeAnswer(await this.host.app.call(q as TlRequest, ctx))
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

  /** Answers a query with an error the protocol layer decided, and tells the app's counters. */
  private refuse(msgId: bigint, answer: { constructorId: number; method: string | undefined; error: string }, code = 400): void {
    this.host.app.answeredByProtocol?.({ dcId: this.host.dcId, ...answer })
    this.enqueueRpc(msgId, rpcErrorBody(code, answer.error))
  }

  private isKnownMethod(ctor: number): boolean {
    return tlobjects[ctor] !== undefined
  }

  private armDisconnect(delaySeconds: number): void {
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
    this.disconnectTimer = setTimeout(() => this.close(), Math.max(0, delaySeconds) * 1000)
    this.disconnectTimer.unref()
  }

  /** Queues `rpc_result` for a query (compressing large results). */
  enqueueRpc(reqMsgId: bigint, result: Buffer | Buffer[], onWritten?: () => void): void {
    let payload = Buffer.isBuffer(result) ? [result] : result
    // File parts (the answer in pieces) are already-compressed media; compressing them would only burn CPU on every
    // download.
    if (Buffer.isBuffer(result)) {
      const ctor = result.length >= 4 ? result.readUInt32LE(0) : 0
      if (result.length > GZIP_THRESHOLD && result.length <= GZIP_MAX && ctor !== UPLOAD_FILE) {
        const packed = gzipSync(result)
        const wrapped = Buffer.concat([tlUint(C.gzipPacked), tlBytesOf(packed)])
        if (wrapped.length < result.length) payload = [wrapped]
      }
    }
    this.enqueue([tlUint(C.rpcResult), tlLong(reqMsgId), ...payload], true, 'response', onWritten)
    this.scheduleFlush()
  }

  /** Queues a message body, whole or in pieces (joined only when encrypted, a file part being copied once). */
  private enqueue(body: Buffer | Buffer[], contentRelated: boolean, kind: 'response' | 'other', onWritten?: () => void): void {
    if (this.closed) return
    const parts = Buffer.isBuffer(body) ? [body] : body
    let length = 0
    for (const part of parts) length += part.length
    this.queue.push({ parts, length, contentRelated, kind, onWritten })
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return
    this.flushScheduled = true
    this.flushImmediate = setImmediate(() => {
      this.flushScheduled = false
      this.flushImmediate = undefined
      this.flush()
    })
  }

  private seqNo(contentRelated: boolean): number {
    const s = this.session!
    const n = s.contentSent * 2 + (contentRelated ? 1 : 0)
    if (contentRelated) s.contentSent++
    return n
  }

  private flush(): void {
    const s = this.session
    const record = this.record
    if (this.closed || s === undefined || record === undefined) return
    if (this.pendingAcks.length > 0) {
      const ids = this.pendingAcks.splice(0)
      this.enqueue(new Api.MsgsAck({ msgIds: ids.map((id) => toBigInteger(id)) }).getBytes(), false, 'response')
    }
    const items = this.queue.splice(0)
    if (items.length === 0) return
    let body: Buffer[]
    let bodyLength: number
    let msgId: bigint
    let seq: number
    if (items.length === 1) {
      const it = items[0]!
      msgId = s.msgIds.next(it.kind)
      seq = this.seqNo(it.contentRelated)
      body = it.parts
      bodyLength = it.length
    } else {
      body = [tlUint(C.msgContainer), tlUint(items.length)]
      bodyLength = 8
      for (const it of items) {
        body.push(tlLong(s.msgIds.next(it.kind)), tlInt(this.seqNo(it.contentRelated)), tlUint(it.length), ...it.parts)
        bodyLength += 16 + it.length
      }
      msgId = s.msgIds.next('other')
      seq = this.seqNo(false)
    }
    const head = Buffer.concat([
      tlLong(this.currentSalt(record)),
      tlLong(s.sessionId),
      tlLong(msgId),
      tlInt(seq),
      tlUint(bodyLength),
    ])
    this.write(encryptMessageParts(record.key, record.state.authKeyId, [head, ...body], 8))
    for (const it of items) it.onWritten?.()
  }

  private write(packet: Buffer | readonly Buffer[]): void {
    if (this.closed) return
    this.socket.write(this.transport.encode(packet))
  }
}

/** TL `bytes` as its length prefix, the data itself and the padding to 4 bytes. */
function tlBytesParts(data: Buffer): [Buffer, Buffer, Buffer] {
  const head =
    data.length < 254
      ? Buffer.from([data.length])
      : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff])
  return [head, data, Buffer.alloc((4 - ((head.length + data.length) % 4)) % 4)]
}

function tlBytesOf(data: Buffer): Buffer {
  return Buffer.concat(tlBytesParts(data))
}

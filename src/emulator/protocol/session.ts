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
 * - RPC queries run concurrently and are answered as each completes, in the layer the session declared
 *   (`invokeWithLayer`; tl/schemas.ts); large answers go out as `gzip_packed` when that is smaller (answer.ts).
 *   Messages ready together leave in one `msg_container` (outbox.ts). Service messages: service.ts.
 * - Tolerance: an inbound `gzip_packed` may hold a gzip stream (the docs) or a zlib stream, told apart by the
 *   header: mtcute compresses requests over 128 bytes as zlib and works against Telegram, so Telegram accepts both.
 *   Answers are always gzip.
 * - `auth.bindTempAuthKey` is answered in this layer (query.ts), as it concerns the keys themselves (pfs.ts); an
 *   unbound temporary key gets `401 AUTH_KEY_PERM_EMPTY` for every other method, a bound one acts with its
 *   permanent key's login.
 * - `invokeAfterMsg`/`invokeAfterMsgs` wait for the named queries of the same session still running; `msgs_ack`,
 *   `msg_resend_req` and `http_wait` are accepted and need no answer (the emulator does not resend).
 * - A query whose constructor is not a known method: `rpc_error 400 INPUT_METHOD_INVALID_<id>`; a method whose
 *   arguments do not parse: `400 INPUT_CONSTRUCTOR_INVALID`; an app failure other than RpcError: `500
 *   INTERNAL_SERVER_ERROR`. Nothing is left unanswered.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { unzipSync } from 'node:zlib'
import { TL } from '../../spec/tl-ids.js'
import type { ProtocolAnswer } from '../rpc.js'
import { TlReader, type TlObject } from '../tl/codec.js'
import { ctorById } from '../tl/schemas.js'
import { rpcErrorBody, rpcResult, service } from './answer.js'
import { decryptMessage } from './crypto.js'
import { Handshake, type AuthKeyRecord } from './handshake.js'
import type { DcHost, SessionState } from './host.js'
import { ServerMsgIds, msgIdSeconds } from './msg-id.js'
import { Outbox } from './outbox.js'
import { runQuery } from './query.js'
import { currentSalt, saltValid } from './salts.js'
import { answerService } from './service.js'
import { ServerTransport, TRANSPORT_ERROR, TransportViolation } from './transport.js'

export { GZIP_MAX, GZIP_THRESHOLD } from './answer.js'
export type { DcHost, ProtocolCounters, SessionState } from './host.js'

/** How many past msg_ids a session remembers for duplicate detection. */
export const SEEN_MSG_IDS = 4096

const C = TL

/** One TCP connection to an emulated DC. */
export class ServerConnection {
  private readonly transport = new ServerTransport()
  private readonly handshake: Handshake
  private readonly plainMsgIds: ServerMsgIds
  private readonly outbox: Outbox
  private closed = false
  private session: SessionState | undefined
  private record: AuthKeyRecord | undefined
  private disconnectTimer: NodeJS.Timeout | undefined

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
    this.outbox = new Outbox({
      current: () =>
        this.session !== undefined && this.record !== undefined
          ? { session: this.session, record: this.record }
          : undefined,
      salt: (record) => currentSalt(record, this.now()),
      write: (packet) => this.write(packet),
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
    this.stop()
    this.socket.destroy()
  }

  private stop(): void {
    this.closed = true
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
    this.outbox.close()
    if (this.session?.connection === this) this.session.connection = undefined
  }

  private transportError(code: number): void {
    this.host.counters.transportErrors++
    const frame = this.transport.encodeError(code)
    if (frame !== undefined && !this.closed) {
      this.stop()
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
    this.outbox.schedule()
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
      const created = service({
        _: 'new_session_created',
        first_msg_id: firstMsgId,
        unique_id: randomBytes(8).readBigInt64LE(0),
        server_salt: currentSalt(record, this.now()),
      })
      this.outbox.enqueue(created, true, 'other')
      return
    }
    s.connection = this
    this.session = s
  }

  private badMsg(msgId: bigint, seqNo: number, code: number): void {
    this.host.counters.badMsgNotifications++
    const body = service({ _: 'bad_msg_notification', bad_msg_id: msgId, bad_msg_seqno: seqNo, error_code: code })
    this.outbox.enqueue(body, false, 'response')
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
    if (salt !== undefined && !saltValid(s.record, salt, now)) {
      this.host.counters.badServerSalts++
      const body = service({
        _: 'bad_server_salt',
        bad_msg_id: msgId,
        bad_msg_seqno: seqNo,
        error_code: 48,
        new_server_salt: currentSalt(s.record, now),
      })
      this.outbox.enqueue(body, false, 'response')
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
    if (contentRelated && ctor !== C.gzipPacked) this.outbox.ack(msgId)
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
          // gzip or zlib, told apart by the header (see the module header)
          inner = unzipSync(new TlReader(body.subarray(4)).bytes())
        } catch {
          this.refuse(msgId, { constructorId: C.gzipPacked, method: undefined, error: 'INPUT_CONSTRUCTOR_INVALID' })
          return
        }
        // the wrapper was already acknowledged as one message; its content answers as the same msg_id
        this.outbox.ack(msgId)
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
    let obj: TlObject
    try {
      obj = new TlReader(body).object()
    } catch {
      const error = ctorById(ctor)?.method === true ? 'INPUT_CONSTRUCTOR_INVALID' : `INPUT_METHOD_INVALID_${ctor}`
      this.refuse(msgId, { constructorId: ctor, method: undefined, error })
      return
    }
    const s = this.session!
    const answer = answerService(obj, {
      msgId,
      record: s.record,
      sessionId: s.sessionId,
      now: this.now(),
      seen: s.seen,
      answered: s.answered,
      destroySession: (target) => this.host.sessions.delete(`${s.record.state.authKeyId}:${target}`),
      armDisconnect: (seconds) => this.armDisconnect(seconds),
    })
    if (answer !== undefined) {
      if ('direct' in answer) this.outbox.enqueue(answer.direct, true, 'response')
      else this.enqueueRpc(msgId, answer.rpcResult)
      return
    }
    this.query(msgId, ctor, obj)
  }

  private query(msgId: bigint, ctor: number, obj: TlObject): void {
    runQuery(
      {
        host: this.host,
        session: this.session!,
        refuse: (answer, code) => this.refuse(msgId, answer, code),
        answer: (body) => this.enqueueRpc(msgId, body),
      },
      msgId,
      ctor,
      obj,
    )
  }

  /** Answers a query with an error the protocol layer decided, and tells the app's counters. */
  private refuse(msgId: bigint, answer: Omit<ProtocolAnswer, 'dcId'> & { error: string }, code = 400): void {
    this.host.app.answeredByProtocol?.({ dcId: this.host.dcId, ...answer })
    this.enqueueRpc(msgId, rpcErrorBody(code, answer.error))
  }

  private armDisconnect(delaySeconds: number): void {
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer)
    this.disconnectTimer = setTimeout(() => this.close(), Math.max(0, delaySeconds) * 1000)
    this.disconnectTimer.unref()
  }

  /** Queues `rpc_result` for a query. */
  enqueueRpc(reqMsgId: bigint, result: Buffer | readonly Buffer[], onWritten?: () => void): void {
    this.outbox.enqueue(rpcResult(reqMsgId, result), true, 'response', onWritten)
    this.outbox.schedule()
  }

  private write(packet: Buffer | readonly Buffer[]): void {
    if (this.closed) return
    this.socket.write(this.transport.encode(packet))
  }
}

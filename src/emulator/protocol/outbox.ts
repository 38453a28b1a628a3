/**
 * The messages a connection has ready to send: queued as they are produced, sent together on the next turn of the
 * event loop (several in one `msg_container`, with the acknowledgements gathered meanwhile), numbered with the
 * session's msg_id and seq_no, and encrypted with the session's key.
 */
import { TL } from '../../spec/tl-ids.js'
import { TlWriter } from '../tl/codec.js'
import { layerView } from '../tl/schemas.js'
import { service } from './answer.js'
import { encryptMessageParts } from './crypto.js'
import type { AuthKeyRecord } from './handshake.js'
import type { ServerMsgIds } from './msg-id.js'

interface Outgoing {
  /** The message body in pieces (`rpc_result` header, result), joined only when encrypted. */
  readonly parts: readonly Buffer[]
  readonly length: number
  /** Called once the message has been written to the connection. */
  readonly onWritten: (() => void) | undefined
  readonly contentRelated: boolean
  readonly kind: 'response' | 'other'
}

/** The session state the outbox numbers messages with. */
export interface OutboxSession {
  readonly sessionId: bigint
  readonly msgIds: ServerMsgIds
  /** Number of content-related messages the server sent (for seq_no). */
  contentSent: number
}

/** Where the outbox sends to. */
export interface OutboxTarget {
  /** The session and key to send with now; undefined before the first encrypted message. */
  readonly current: () => { readonly session: OutboxSession; readonly record: AuthKeyRecord } | undefined
  readonly salt: (record: AuthKeyRecord) => bigint
  readonly write: (packet: Buffer | readonly Buffer[]) => void
}

function head(...fields: Array<[kind: 'long', v: bigint] | [kind: 'int' | 'uint', v: number]>): Buffer {
  const w = new TlWriter(layerView(undefined))
  for (const [kind, v] of fields) {
    if (kind === 'long') w.long(v)
    else if (kind === 'int') w.int(v)
    else w.uint(v)
  }
  return w.toBuffer()
}

/** One connection's outgoing messages. */
export class Outbox {
  private queue: Outgoing[] = []
  private acks: bigint[] = []
  private scheduled: NodeJS.Immediate | undefined
  private closed = false

  constructor(private readonly target: OutboxTarget) {}

  /** Queues a message body, whole or in pieces (joined only when encrypted, a file part being copied once). */
  enqueue(body: Buffer | readonly Buffer[], contentRelated: boolean, kind: 'response' | 'other', onWritten?: () => void): void {
    if (this.closed) return
    const parts = Buffer.isBuffer(body) ? [body] : body
    let length = 0
    for (const part of parts) length += part.length
    this.queue.push({ parts, length, contentRelated, kind, onWritten })
  }

  /** Acknowledges a received message with the next batch. */
  ack(msgId: bigint): void {
    this.acks.push(msgId)
  }

  /** Sends what is queued on the next turn of the event loop. */
  schedule(): void {
    if (this.scheduled !== undefined || this.closed) return
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined
      this.flush()
    })
  }

  /** Drops everything queued; nothing more is sent. */
  close(): void {
    this.closed = true
    if (this.scheduled !== undefined) clearImmediate(this.scheduled)
    this.scheduled = undefined
  }

  private seqNo(s: OutboxSession, contentRelated: boolean): number {
    const n = s.contentSent * 2 + (contentRelated ? 1 : 0)
    if (contentRelated) s.contentSent++
    return n
  }

  private flush(): void {
    const current = this.target.current()
    if (this.closed || current === undefined) return
    const { session: s, record } = current
    if (this.acks.length > 0) this.enqueue(service({ _: 'msgs_ack', msg_ids: this.acks.splice(0) }), false, 'response')
    const items = this.queue.splice(0)
    if (items.length === 0) return
    let body: Buffer[]
    let bodyLength: number
    let msgId: bigint
    let seq: number
    if (items.length === 1) {
      const it = items[0]!
      msgId = s.msgIds.next(it.kind)
      seq = this.seqNo(s, it.contentRelated)
      body = [...it.parts]
      bodyLength = it.length
    } else {
      body = [head(['uint', TL.msgContainer], ['uint', items.length])]
      bodyLength = 8
      for (const it of items) {
        body.push(
          head(['long', s.msgIds.next(it.kind)], ['int', this.seqNo(s, it.contentRelated)], ['uint', it.length]),
          ...it.parts,
        )
        bodyLength += 16 + it.length
      }
      msgId = s.msgIds.next('other')
      seq = this.seqNo(s, false)
    }
    const top = head(
      ['long', this.target.salt(record)],
      ['long', s.sessionId],
      ['long', msgId],
      ['int', seq],
      ['uint', bodyLength],
    )
    this.target.write(encryptMessageParts(record.key, record.state.authKeyId, [top, ...body], 8))
    for (const it of items) it.onWritten?.()
  }
}

/**
 * Message identifiers (https://core.telegram.org/mtproto/description#message-identifier-msg-id): roughly
 * unixtime × 2^32, strictly increasing within a session. Client messages are divisible by 4; server messages are
 * ≡ 1 (mod 4) when they answer a client message and ≡ 3 (mod 4) otherwise.
 */

/** Whether a server message answers a client message (rpc_result, pong, acks, …) or stands alone. */
export type ServerMsgKind = 'response' | 'other'

/** Generates strictly increasing server msg_ids with the documented parity. */
export class ServerMsgIds {
  private last = 0n

  constructor(private readonly nowMs: () => number = Date.now) {}

  next(kind: ServerMsgKind): bigint {
    const ms = BigInt(Math.floor(this.nowMs()))
    let id = ((ms / 1000n) << 32n) | (((ms % 1000n) << 32n) / 1000n)
    id = id - (id % 4n) + (kind === 'response' ? 1n : 3n)
    while (id <= this.last) id += 4n
    this.last = id
    return id
  }
}

/** The unixtime (seconds) a msg_id carries. */
export function msgIdSeconds(msgId: bigint): number {
  return Number(msgId >> 32n)
}

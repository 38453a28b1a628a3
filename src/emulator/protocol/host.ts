/** What a connection shares with its DC server and keeps across connections: counters, keys, sessions. */
import type { DcAddress, RpcApp } from '../rpc.js'
import type { Handshake, AuthKeyRecord, AuthKeyStore } from './handshake.js'
import type { ServerMsgIds } from './msg-id.js'
import type { ServerConnection } from './session.js'

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


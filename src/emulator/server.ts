/**
 * The emulator's TCP side: one MTProto server per emulated DC on loopback, each with its own auth keys (a key made
 * on DC 2 is unknown on DC 4, as on Telegram), all sharing one RSA key pair and one {@link RpcApp}.
 */
import { createServer, type Server, type Socket } from 'node:net'
import type { EmulatorPublicKey } from '../spec/emulator-connection.js'
import { generateRsaKeyPair, rsaFingerprint, type RsaKeyPair } from './protocol/crypto.js'
import type { AuthKeyRecord, AuthKeyStore } from './protocol/handshake.js'
import { ServerConnection, type ProtocolCounters, type SessionState } from './protocol/session.js'
import type { DcAddress, RpcApp } from './rpc.js'

/** Options of {@link startDcServers}. */
export interface DcServersOptions {
  /** The DC ids to serve, e.g. `[1, 2, 3, 4, 5]`. */
  readonly dcIds: readonly number[]
  /** The application layer answering API queries. */
  readonly app: RpcApp
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string
  /** Port per DC id. Default 0 (any free port) for every DC. */
  readonly ports?: Readonly<Record<number, number>>
  /** The server RSA key. Default: a fresh RSA-2048 key pair. */
  readonly rsaKey?: RsaKeyPair
  /** Probability (0–1) per incoming encrypted message of destroying the socket instead. Default 0. */
  readonly dropRate?: number
  /** Random source in [0, 1) for `dropRate` (seed it for reproducible runs). Default `Math.random`. */
  readonly random?: () => number
  /** Clock in milliseconds. Default `Date.now`. */
  readonly nowMs?: () => number
  /** The clock temporary auth keys expire by (the application's clock). Default {@link nowMs}. */
  readonly keyNowMs?: () => number
}

/** Running DC servers. */
export interface DcServers {
  /** Where each DC listens. */
  readonly dcs: readonly DcAddress[]
  /** The public key clients must trust. */
  readonly publicKey: EmulatorPublicKey
  /** The RSA key pair (to restart with the same key). */
  readonly rsaKey: RsaKeyPair
  /** Auth keys by DC id, then by auth_key_id. */
  readonly authKeys: ReadonlyMap<number, AuthKeyStore>
  /** Protocol counters by DC id (connections, handshakes, transport errors, …). */
  counters(): Record<number, ProtocolCounters>
  /** Closes every server and destroys every socket. */
  close(): Promise<void>
}

function newCounters(): ProtocolCounters {
  return {
    connections: 0,
    handshakes: 0,
    transportErrors: 0,
    encryptedMessages: 0,
    badMsgNotifications: 0,
    badServerSalts: 0,
    rpcCalls: 0,
    droppedConnections: 0,
  }
}

/** The published form of an RSA key (n hex, e, fingerprint as GramJS keys it, PKCS#1 PEM). */
export function publicKeyOf(rsa: RsaKeyPair): EmulatorPublicKey {
  return {
    n: rsa.n.toString(16),
    e: Number(rsa.e),
    fingerprint: rsaFingerprint(rsa.n, rsa.e).toString(),
    pem: rsa.pem,
  }
}

/** Starts one MTProto TCP server per DC id. */
export async function startDcServers(options: DcServersOptions): Promise<DcServers> {
  const rsa = options.rsaKey ?? generateRsaKeyPair()
  const fingerprint = rsaFingerprint(rsa.n, rsa.e)
  const host = options.host ?? '127.0.0.1'
  const nowMs = options.nowMs ?? Date.now
  const keyNowMs = options.keyNowMs ?? nowMs
  const random = options.random ?? Math.random
  const dcs: DcAddress[] = []
  const servers: Server[] = []
  const sockets = new Set<Socket>()
  const connections = new Set<ServerConnection>()
  const authKeys = new Map<number, AuthKeyStore>()
  const counters: Record<number, ProtocolCounters> = {}

  try {
    for (const dcId of options.dcIds) {
      const keys: AuthKeyStore = new Map<bigint, AuthKeyRecord>()
      const sessions = new Map<string, SessionState>()
      const c = newCounters()
      authKeys.set(dcId, keys)
      counters[dcId] = c
      const server = createServer({ noDelay: true }, (socket) => {
        sockets.add(socket)
        const conn = new ServerConnection(socket, {
          dcId,
          dcs: () => dcs,
          app: options.app,
          keys,
          handshake: { rsa, fingerprint, nowMs, keyNowMs },
          sessions,
          counters: c,
          dropRate: options.dropRate ?? 0,
          random,
          nowMs,
          keyNowMs,
        })
        connections.add(conn)
        socket.on('close', () => {
          sockets.delete(socket)
          connections.delete(conn)
        })
      })
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.ports?.[dcId] ?? 0, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      const addr = server.address()
      if (addr === null || typeof addr === 'string') throw new Error('DC server has no TCP address')
      dcs.push({ id: dcId, host, port: addr.port })
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
    throw e
  }

  return {
    dcs,
    publicKey: publicKeyOf(rsa),
    rsaKey: rsa,
    authKeys,
    counters: () => structuredClone(counters),
    async close(): Promise<void> {
      const closing = servers.map((s) => new Promise<void>((r) => s.close(() => r())))
      for (const conn of connections) conn.close()
      for (const s of sockets) s.destroy()
      await Promise.all(closing)
    },
  }
}

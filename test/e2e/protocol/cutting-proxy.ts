import { createServer, connect, type Server, type Socket } from 'node:net'
import type { DcServers } from '../../../src/emulator/server.js'
import type { DcAddress } from '../../../src/emulator/rpc.js'

/**
 * A loopback TCP relay in front of each DC server whose connections a test can cut (both sockets destroyed, as a
 * network failure leaves them) and whose listening a test can stop (new connections are refused).
 */
export interface CuttingProxy {
  /** The relay's address for each DC, to give a client instead of the servers' own. */
  readonly dcs: readonly DcAddress[]
  /** How many client connections the relay accepted so far. */
  accepted(): number
  /** Destroys the next connection accepted at once, before relaying anything, as a failed connect leaves it. */
  dropNextConnection(): void
  /** Destroys every relayed connection open now. */
  cut(): void
  /** Stops listening (later connects are refused) and cuts every connection. */
  close(): Promise<void>
  /** Listens again, on the same ports, after {@link close}. */
  listenAgain(): Promise<void>
}

/** Starts a {@link CuttingProxy} in front of `servers`. */
export async function startCuttingProxy(servers: Pick<DcServers, 'dcs'>): Promise<CuttingProxy> {
  const open = new Set<Socket>()
  const listeners: Server[] = []
  const dcs: DcAddress[] = []
  let accepted = 0
  let drops = 0
  for (const dc of servers.dcs) {
    const listener = createServer({ noDelay: true }, (client) => {
      accepted++
      if (drops > 0) {
        drops--
        client.destroy()
        return
      }
      const upstream = connect({ host: dc.host, port: dc.port, noDelay: true })
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        open.add(from)
        from.on('data', (chunk: Buffer) => to.write(chunk))
        from.on('error', () => to.destroy())
        from.on('close', () => {
          open.delete(from)
          to.destroy()
        })
      }
    })
    await listen(listener, 0)
    const address = listener.address()
    if (address === null || typeof address === 'string') throw new Error('relay has no TCP address')
    listeners.push(listener)
    dcs.push({ id: dc.id, host: '127.0.0.1', port: address.port })
  }
  const cut = (): void => {
    for (const socket of open) socket.destroy()
  }
  return {
    dcs,
    accepted: () => accepted,
    dropNextConnection: () => {
      drops++
    },
    cut,
    async listenAgain(): Promise<void> {
      await Promise.all(listeners.map((l, i) => listen(l, dcs[i]?.port ?? 0)))
    },
    async close(): Promise<void> {
      const closing = listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())))
      cut()
      await Promise.all(closing)
    },
  }
}

function listen(listener: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    listener.once('error', reject)
    listener.listen(port, '127.0.0.1', () => {
      listener.off('error', reject)
      resolve()
    })
  })
}

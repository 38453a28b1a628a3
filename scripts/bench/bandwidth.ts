/**
 * Loopback bandwidth: how fast bytes move through one local TCP socket pair on this machine (the transfer term of
 * the lower bound).
 */
import { createServer, connect, type AddressInfo } from 'node:net'

/** Pushes `totalBytes` through a 127.0.0.1 TCP connection in 1 MiB writes; returns bytes per second. */
export async function measureLoopbackBandwidth(totalBytes: number = 256 * 1024 * 1024): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 0xa5)
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address() as AddressInfo
    const received = new Promise<number>((resolve, reject) => {
      server.once('connection', (socket) => {
        let got = 0
        socket.on('data', (d: Buffer) => {
          got += d.length
          if (got >= totalBytes) {
            resolve(performance.now())
            socket.destroy()
          }
        })
        socket.on('error', reject)
      })
    })
    const client = connect(port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject))
    const t0 = performance.now()
    let sent = 0
    while (sent < totalBytes) {
      const n = Math.min(chunk.length, totalBytes - sent)
      sent += n
      if (!client.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        await new Promise<void>((resolve) => client.once('drain', resolve))
      }
    }
    const t1 = await received
    client.destroy()
    return totalBytes / ((t1 - t0) / 1000)
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

import { createHash } from 'node:crypto'
import { parseProfileFileId } from '../../../src/botapi/file-id.js'
import type { EmulatorOptions, WorldFile, WorldUser } from '../../../src/emulator/index.js'
import { resolveUser } from '../../../src/methods/index.js'
import { startServer } from '../../../src/serve/index.js'
import type { RunningServer, ServeOptions } from '../../../src/serve/index.js'
import { createServeToken } from '../../../src/serve/token.js'
import { startHarness } from '../archive/helpers.js'
import type { Harness } from '../archive/helpers.js'

export interface ServeHarness {
  h: Harness
  server: RunningServer
  token: string
  /** `${server.url}/bot${token}` */
  bot: string
  /** A user with at least three photos and an audio, already resolved by username (its id is then usable). */
  user: WorldUser
  /** Another endpoint on the same client, with other options. */
  another(options: Partial<ServeOptions>): Promise<RunningServer>
  close(): Promise<void>
}

/** An emulator, a logged-in client and the endpoint on it (port 0, loopback). */
export async function startServeHarness(emulator: EmulatorOptions, serve: Partial<ServeOptions> = {}): Promise<ServeHarness> {
  const h = await startHarness({ seed: 1, users: 30, ...emulator })
  const servers: RunningServer[] = []
  try {
    const me = await h.client.getMe()
    const token = createServeToken(me.id.toString())
    const user = richUser(h.truth)
    await resolveUser(h.client, `@${user.usernames[0]}`)
    const another = async (options: Partial<ServeOptions>): Promise<RunningServer> => {
      const s = await startServer({ client: h.client, token, port: 0, ...options })
      servers.push(s)
      return s
    }
    const server = await another(serve)
    return {
      h,
      server,
      token,
      bot: `${server.url}/bot${token}`,
      user,
      another,
      close: async () => {
        for (const s of servers) await s.close()
        await h.close()
      },
    }
  } catch (error) {
    for (const s of servers) await s.close()
    await h.close()
    throw error
  }
}

/** The first ordinary user with three photos or more and an audio. */
export function richUser(truth: WorldFile): WorldUser {
  const user = truth.users.find((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.length >= 3 && u.audios.length > 0)
  if (user === undefined) throw new Error('the world has no user with three photos and an audio')
  return user
}

/** The world's bytes for a file id of `user`'s: a photo size, video size or audio. */
export function truthOfFileId(user: WorldUser, fileId: string): { sha256: string; bytes: number } | undefined {
  const p = parseProfileFileId(fileId)
  if (p.kind === 'document') return user.audios.find((a) => a.id === p.id.toString())
  const photo = user.photos.find((ph) => ph.id === p.id.toString())
  return [...(photo?.sizes ?? []), ...(photo?.videoSizes ?? [])].find((s) => s.type === p.sizeType)
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

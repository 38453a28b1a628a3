import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises'
import bigInt from 'big-integer'
import { Api } from 'telegram'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { archiveProfiles } from '../../../src/archive/archive.js'
import { connect, type Connected } from '../../../src/client/connect.js'
import { dcKeysPathFor } from '../../../src/client/dc-keys.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator, type WorldUser } from '../../../src/emulator/index.js'
import { downloadFile } from '../../../src/methods/download-file.js'
import { getUserProfilePhotos } from '../../../src/methods/index.js'

const rsaKey = generateRsaKeyPair()


describe('authorized keys of other DCs are kept beside the session', () => {
  let emu: RunningEmulator
  let dir: string
  let connFile: string
  let users: WorldUser[]

  beforeAll(async () => {
    // seed 4, 10 users (see core-methods): enough photos to reach every DC
    emu = await startEmulator({ seed: 4, users: 10, rsaKey })
    dir = await mkdtemp(join(tmpdir(), 'tgp-dckeys-'))
    connFile = join(dir, 'emulator.json')
    await emu.writeConnectionFile(connFile)
    users = [...emu.world.toFile().users].filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0)
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  const sessionFile = (): string => `${connFile}.session`
  const keysFile = (): string => dcKeysPathFor(sessionFile())
  const open = (): Promise<Connected> =>
    connect({ env: { TG_EMULATOR: connFile, HOME: dir }, cwd: dir, dotenvPath: false, connectionRetries: 1 })

  /** Downloads the smallest size of the first photo of each user whose photos live on `dcs`; returns the DCs used. */
  async function downloadFrom(c: Connected, dcs: readonly number[]): Promise<Set<number>> {
    const used = new Set<number>()
    for (const dc of dcs) {
      const user = users.find((u) => u.photos[0]?.dcId === dc)
      if (user === undefined) throw new Error(`the seeded world has no first photo on DC ${dc}`)
      const page = await getUserProfilePhotos(c.client, { user_id: `@${user.usernames[0]!}`, limit: 1 })
      const size = page.photos[0]![0]!
      let bytes = 0
      await downloadFile(c.client, size.file_id, {
        size: size.file_size,
        onChunk: (chunk) => {
          bytes += chunk.length
        },
      })
      expect(bytes).toBe(size.file_size)
      used.add(dc)
    }
    return used
  }

  const otherDcs = (): number[] => {
    const home = emu.world.homeDcId
    return [...new Set(users.map((u) => u.photos[0]?.dcId))].filter((d): d is number => d !== undefined && d !== home).sort()
  }

  const authCalls = (): Record<string, number> => {
    const calls = emu.stats().callsPerMethod
    return { export: calls['auth.ExportAuthorization'] ?? 0, import: calls['auth.ImportAuthorization'] ?? 0 }
  }

  type KeysFile = { home: string; keys: Record<string, string> }
  const readKeys = async (): Promise<KeysFile> => JSON.parse(await readFile(keysFile(), 'utf8')) as KeysFile

  /** One run (connect, download from each of `dcs`, close), as a process of the command line would make. */
  async function runOnce(dcs: readonly number[]): Promise<void> {
    const c = await open()
    try {
      await downloadFrom(c, dcs)
    } finally {
      await c.close()
    }
  }

  /** One run that downloads from every other DC, leaving their keys stored. */
  async function warm(): Promise<KeysFile> {
    await runOnce(otherDcs())
    return readKeys()
  }

  /** The DC forgets the login on `key` (as Telegram may drop an authorization): its requests get 401. */
  function refuse(dc: number, key: Buffer): void {
    const record = [...emu.servers.authKeys.get(dc)!.values()].find((r) => r.key.equals(key))
    expect(record).toBeDefined()
    record!.state.userId = undefined
  }

  it('authorizes each other DC once per login, not once per run', async () => {
    const dcs = otherDcs()
    expect(dcs.length).toBeGreaterThanOrEqual(2)

    emu.resetStats()
    await runOnce(dcs)
    expect(authCalls()).toEqual({ export: dcs.length, import: dcs.length })
    expect((await stat(keysFile())).mode & 0o777).toBe(0o600)
    const stored = await readKeys()
    expect(Object.keys(stored.keys).map(Number).sort()).toEqual(dcs)
    const handshakes = (): number[] => dcs.map((dc) => emu.stats().protocol[dc]!.handshakes)
    const before = handshakes()

    emu.resetStats()
    await runOnce(dcs)
    expect(authCalls()).toEqual({ export: 0, import: 0 })
    expect(handshakes()).toEqual(before)
  })

  it('drops a stored key a DC no longer accepts and authorizes that DC again, the download going through', async () => {
    const [dc] = otherDcs()
    const stored = await warm()
    refuse(dc!, Buffer.from(stored.keys[String(dc)]!, 'base64'))

    emu.resetStats()
    await runOnce([dc!])
    expect(authCalls()).toEqual({ export: 1, import: 1 })
    expect(emu.stats().rpcErrors).toEqual({ AUTH_KEY_UNREGISTERED: 1 })
    const now = await readKeys()
    expect(now.keys[String(dc)]).not.toBe(stored.keys[String(dc)])
  })

  it('recovers the same way through GramJS\'s own downloadMedia, and from a key authorized earlier in the same run', async () => {
    const [dc] = otherDcs()
    const stored = await warm()
    refuse(dc!, Buffer.from(stored.keys[String(dc)]!, 'base64'))
    const user = users.find((u) => u.photos[0]?.dcId === dc)!
    emu.resetStats()
    const c = await open()
    try {
      const media = async (): Promise<void> => {
        const resolved = await c.client.invoke(new Api.contacts.ResolveUsername({ username: user.usernames[0]! }))
        const found = resolved.users[0] as Api.User
        const userId = new Api.InputUser({ userId: found.id, accessHash: found.accessHash! })
        const page = await c.client.invoke(new Api.photos.GetUserPhotos({ userId, offset: 0, maxId: bigInt.zero, limit: 1 }))
        const data = await c.client.downloadMedia(new Api.MessageMediaPhoto({ photo: page.photos[0]! }))
        expect(Buffer.isBuffer(data) && data.length > 0).toBe(true)
      }
      await media()
      expect(authCalls()).toEqual({ export: 1, import: 1 })
      // the key authorized a moment ago is refused too: dropped, authorized afresh, the download goes through
      const sender = await (c.client as unknown as { getSender(dc: number): Promise<{ authKey: { getKey(): Buffer } }> }).getSender(dc!)
      refuse(dc!, sender.authKey.getKey())
      await media()
      expect(authCalls()).toEqual({ export: 2, import: 2 })
    } finally {
      await c.close()
    }
    expect(emu.stats().rpcErrors).toEqual({ AUTH_KEY_UNREGISTERED: 2 })
  })

  it('lets an archive run finish when every DC has dropped its stored key, with many downloads in flight on them', async () => {
    const stored = await warm()
    for (const [dc, b64] of Object.entries(stored.keys)) refuse(Number(dc), Buffer.from(b64, 'base64'))
    const out = join(dir, 'archive')
    emu.resetStats()
    const c = await open()
    const few = users.filter((u) => u.photos.length <= 10)
    const touched = new Set(few.flatMap((u) => u.photos.map((p) => p.dcId)).filter((dc) => stored.keys[String(dc)] !== undefined))
    expect(touched.size).toBeGreaterThanOrEqual(2)
    let summary
    try {
      summary = await archiveProfiles(c.client, few.map((u) => `@${u.usernames[0]!}`), { out })
    } finally {
      await c.close()
    }
    expect(summary.complete).toBe(true)
    expect(summary.users).toMatchObject({ done: few.length, failed: 0 })
    // the requests in flight on a refused key were answered and sent again at once, none left to time out and retry
    expect(summary.retries).toBe(0)
    expect(summary.rpc['upload.GetFile']).toBe(summary.files.downloaded)
    // every DC refused its first requests; each was authorized again once and the refused requests sent again
    expect(emu.stats().rpcErrors.AUTH_KEY_UNREGISTERED).toBeGreaterThanOrEqual(touched.size)
    expect(authCalls()).toEqual({ export: touched.size, import: touched.size })
    await rm(out, { recursive: true, force: true })
  })

  it('never uses the keys of another login', async () => {
    const dcs = otherDcs()
    const old = await warm()
    await unlink(sessionFile()) // a new login on the emulator: a new home key
    emu.resetStats()
    await runOnce(dcs)
    expect(authCalls()).toEqual({ export: dcs.length, import: dcs.length })
    const now = await readKeys()
    expect(now.home).not.toBe(old.home)
    expect(Object.keys(now.keys).map(Number).sort()).toEqual(dcs)
  })
})

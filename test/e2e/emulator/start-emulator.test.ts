import { startEmulator } from '../../../src/emulator/index.js'
import { loginToEmulator } from '../../../src/client/emulator.js'
import { emulatorTestClient } from './helpers.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { getUserProfilePhotos, iterUserProfilePhotos, downloadFile } from '../../../src/index.js'
import { createHash } from 'node:crypto'

describe('startEmulator', () => {
  it('serves login, username resolution, paging and a download from a non-home DC to an unmodified GramJS client', async () => {
    const emu = await startEmulator({ users: 12 })
    const client = emulatorTestClient(emu.connection, { connectionRetries: 1 })
    try {
      await loginToEmulator(client, emu.connection)
      const truth = emu.world.toFile()
      const u = truth.users.find((x) => x.photos.length > 100 && x.usernames.length > 0)!
      const res = await getUserProfilePhotos(client, { user_id: '@' + u.usernames[0] })
      expect(res.total_count).toBe(u.photos.length)
      let n = 0
      for await (const p of iterUserProfilePhotos(client, u.id)) { n++; void p }
      expect(n).toBe(u.photos.length)
      const far = u.photos.find((p) => p.dcId !== emu.connection.homeDcId)!
      const owner = u
      const page = await getUserProfilePhotos(client, { user_id: owner.id, offset: owner.photos.indexOf(far), limit: 1 })
      const big = page.photos[0]!.at(-1)!
      const buf = await downloadFile(client, big.file_id)
      const sizeTruth = far.sizes.find((s) => s.sha256 === createHash('sha256').update(buf).digest('hex'))
      expect(sizeTruth).toBeDefined()
      const stats = emu.stats()
      expect(stats.callsPerMethod['contacts.ResolveUsername']).toBe(1)
      expect(stats.callsPerMethod['auth.ExportAuthorization']).toBe(1)
      expect(stats.bytesServedPerDc[String(far.dcId)]).toBe(buf.length)
    } finally {
      // also disconnects the exported DC senders and clears GramJS's release timers (no open handles)
      await shutdownClient(client)
      await emu.close()
    }
  })
})

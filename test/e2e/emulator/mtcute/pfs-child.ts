/**
 * The PFS case's client, in a process of its own (run compiled, `node dist/test/e2e/emulator/mtcute/pfs-child.js`,
 * by `pfs.test.ts`): mtcute with `network.usePfs`, configured like every client of this suite, logs in with 2FA and
 * downloads a small size (main connection) and a video avatar (download pool) of a photo on the home DC, then prints
 * what it got as one JSON line.
 *
 * Why a process: after `destroy()`, mtcute 0.30.3 with `usePfs` keeps ref'd timers (its temporary key's renewal, due
 * in 23 h, and a server salt's replacement, due in 30 min), so it would keep Jest alive; the child exits by itself.
 */
import { createHash } from 'node:crypto'
import type { EmulatorConnection } from '../../../../src/spec/emulator-connection.js'
import { mtcuteClientFor } from './helpers.js'

/** What the parent passes as argv[2] (JSON). */
export interface PfsChildInput {
  readonly connection: EmulatorConnection
  readonly username: string
  readonly photoId: string
}

/** What the child prints (one JSON line). */
export interface PfsChildOutput {
  readonly userId: number
  readonly meId: number
  readonly small: { readonly bytes: number; readonly sha256: string }
  readonly video: { readonly bytes: number; readonly sha256: string }
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '') as PfsChildInput
  const { connection } = input
  const tg = mtcuteClientFor(connection, { usePfs: true })
  const who = connection.accounts.find((a) => a.password !== undefined)
  if (who?.password === undefined) throw new Error('the emulator has no 2FA account')
  try {
    const user = await tg.start({ phone: who.phone, code: who.code, password: who.password, codeSentCallback: () => undefined })
    const me = await tg.getMe()
    const photo = (await tg.getProfilePhotos(input.username, { limit: 100 })).find((p) => p.id.toString() === input.photoId)
    const small = photo?.getThumbnail('a')
    const video = photo?.getThumbnail('u')
    if (small == null || video == null) throw new Error(`photo ${input.photoId} has no size a or no video`)
    const smallBytes = await tg.downloadAsBuffer(small)
    const videoBytes = await tg.downloadAsBuffer(video)
    const out: PfsChildOutput = {
      userId: user.id,
      meId: me.id,
      small: { bytes: smallBytes.length, sha256: sha256(smallBytes) },
      video: { bytes: videoBytes.length, sha256: sha256(videoBytes) },
    }
    process.stdout.write(`${JSON.stringify(out)}\n`)
  } finally {
    await tg.destroy()
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`pfs child: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)

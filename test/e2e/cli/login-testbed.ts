import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type EmulatorAccount, type RunningEmulator } from '../../../src/emulator/index.js'

/** What the login tests share: an emulator in the test process, its connection file in a temporary folder. */
export interface LoginTestbed {
  emu: RunningEmulator
  dir: string
  connFile: string
  /** The test account without 2FA. */
  plain: EmulatorAccount
  /** The test account with a 2FA password. */
  twoFa: EmulatorAccount
  /** The environment of a CLI run using the emulator and the session file `name` in {@link dir}. */
  sessionEnv(name: string): Record<string, string>
  /** The JSON envelope `tg-profile login --json` prints for `account`. */
  envelope(account: EmulatorAccount): string
}

/** Registers beforeAll/afterAll hooks that start (seed `seed`) and stop the emulator; the fields are set in beforeAll. */
export function loginTestbed(seed: number, prefix: string): LoginTestbed {
  const t = {
    sessionEnv: (name: string): Record<string, string> => ({ TG_EMULATOR: t.connFile, TG_SESSION_FILE: join(t.dir, name) }),
    envelope: (a: EmulatorAccount): string =>
      `{"ok":true,"result":{"id":${a.userId},"is_bot":false,"first_name":${JSON.stringify(a.firstName)},"username":"${a.username}"}}\n`,
  } as LoginTestbed
  beforeAll(async () => {
    t.emu = await startEmulator({ seed, users: 5 })
    t.dir = await mkdtemp(join(tmpdir(), prefix))
    t.connFile = join(t.dir, 'emulator.json')
    await t.emu.writeConnectionFile(t.connFile)
    t.plain = t.emu.connection.accounts.find((a) => a.password === undefined)!
    t.twoFa = t.emu.connection.accounts.find((a) => a.password !== undefined)!
  })
  afterAll(async () => {
    await t.emu.close()
    await rm(t.dir, { recursive: true, force: true })
  })
  return t
}

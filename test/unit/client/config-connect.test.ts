import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '../../../src/client/connect.js'
import { ConfigError, NotLoggedInError, SessionFileError } from '../../../src/errors/index.js'
import { clearSecrets } from '../../../src/client/redact.js'

const HASH = '0123456789abcdef0123456789abcdef'

describe('connect to real Telegram: configuration checks before any network call', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-connect-'))
  })
  afterEach(async () => {
    clearSecrets()
    await rm(dir, { recursive: true, force: true })
  })

  it('asks for TG_API_ID when no credentials are configured', async () => {
    await expect(connect({ env: { HOME: dir }, cwd: dir, dotenvPath: false })).rejects.toThrow(ConfigError)
  })

  it('says to run tg-profile login when there is no session', async () => {
    const p = connect({ env: { HOME: dir, TG_API_ID: '1', TG_API_HASH: HASH }, cwd: dir, dotenvPath: false })
    await expect(p).rejects.toThrow(new NotLoggedInError('not logged in: run "tg-profile login" (or set TG_SESSION)'))
  })

  it('refuses a session file other users can read', async () => {
    const session = join(dir, 'session')
    await writeFile(session, `1${'A'.repeat(40)}`)
    await chmod(session, 0o640)
    const p = connect({ env: { TG_API_ID: '1', TG_API_HASH: HASH }, cwd: dir, dotenvPath: false, sessionFile: session })
    await expect(p).rejects.toThrow(SessionFileError)
  })
})

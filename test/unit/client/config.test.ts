import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../../src/errors/index.js'
import { defaultSessionFile, loadConfig, requireApiCredentials } from '../../../src/client/config.js'
import { clearSecrets, redact } from '../../../src/client/redact.js'

const HASH = '0123456789abcdef0123456789abcdef'

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (e) {
    if (e instanceof ConfigError) return e
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-config-'))
  })
  afterEach(async () => {
    clearSecrets()
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the environment', () => {
    const c = loadConfig({ env: { TG_API_ID: '12345', TG_API_HASH: HASH, HOME: '/home/u' }, cwd: dir })
    expect(c.apiId).toBe(12345)
    expect(c.apiHash).toBe(HASH)
    expect(c.sessionFile).toBe('/home/u/.config/tg-profile/session')
    expect(c.sessionFileSource).toBe('default')
    expect(c.emulatorFile).toBeUndefined()
  })

  it('fills missing variables from .env but never overrides the real environment', async () => {
    await writeFile(join(dir, '.env'), `TG_API_ID=111\nTG_API_HASH=${HASH}\nTG_EMULATOR=conn.json\n`)
    const env = { TG_API_ID: '222' }
    const c = loadConfig({ env, cwd: dir })
    expect(c.apiId).toBe(222)
    expect(c.apiHash).toBe(HASH)
    expect(c.emulatorFile).toBe(join(dir, 'conn.json'))
    expect(env).toEqual({ TG_API_ID: '222' })
  })

  it('prefers --session and --emulator over the environment', () => {
    const c = loadConfig({
      env: { TG_SESSION_FILE: '/a/session', TG_EMULATOR: '/a/conn.json' },
      cwd: dir,
      dotenvPath: false,
      sessionFile: 'mine.session',
      emulatorFile: '/b/conn.json',
    })
    expect(c.sessionFile).toBe(join(dir, 'mine.session'))
    expect(c.sessionFileSource).toBe('option')
    expect(c.emulatorFile).toBe('/b/conn.json')
  })

  it('uses TG_SESSION_FILE, then XDG_CONFIG_HOME for the default', () => {
    expect(loadConfig({ env: { TG_SESSION_FILE: '/x/s' }, dotenvPath: false }).sessionFileSource).toBe('env')
    expect(defaultSessionFile({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' })).toBe('/xdg/tg-profile/session')
    expect(defaultSessionFile({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.config/tg-profile/session')
  })

  it('names TG_API_ID when it is not a positive integer', () => {
    const e = errorOf(() => loadConfig({ env: { TG_API_ID: '12a' }, dotenvPath: false }))
    expect(e.variable).toBe('TG_API_ID')
    expect(e.message).toBe('TG_API_ID must be a positive integer (the api_id from my.telegram.org)')
  })

  it('names TG_API_HASH without printing its value', () => {
    const secret = 'not-a-hash-but-very-secret-value'
    const e = errorOf(() => loadConfig({ env: { TG_API_HASH: secret }, dotenvPath: false }))
    expect(e.variable).toBe('TG_API_HASH')
    expect(e.message).toBe('TG_API_HASH must be 32 hexadecimal digits (the api_hash from my.telegram.org)')
    expect(e.message).not.toContain(secret)
    expect(redact(`oops ${secret}`)).toBe('oops [REDACTED]')
  })

  it('names TG_SESSION without printing its value', () => {
    const secret = '2this is not a session string at all'
    const e = errorOf(() => loadConfig({ env: { TG_SESSION: secret }, dotenvPath: false }))
    expect(e.variable).toBe('TG_SESSION')
    expect(e.message).not.toContain(secret)
  })

  it('registers the api_hash and session with the redactor', () => {
    const session = `1${'Q'.repeat(50)}`
    loadConfig({ env: { TG_API_HASH: HASH, TG_SESSION: session }, dotenvPath: false })
    expect(redact(`${HASH} ${session}`)).toBe('[REDACTED] [REDACTED]')
  })
})

describe('requireApiCredentials', () => {
  it('names the first missing variable', () => {
    const base = loadConfig({ env: {}, dotenvPath: false })
    expect(errorOf(() => requireApiCredentials(base)).variable).toBe('TG_API_ID')
    expect(errorOf(() => requireApiCredentials({ ...base, apiId: 1 })).variable).toBe('TG_API_HASH')
    expect(requireApiCredentials({ ...base, apiId: 1, apiHash: HASH })).toEqual({ apiId: 1, apiHash: HASH })
  })
})

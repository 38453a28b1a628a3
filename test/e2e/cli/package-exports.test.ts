/**
 * The package's entry points as a user imports them: by the package name, through package.json `exports`, from the
 * compiled output (a package may import itself by name).
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

async function exportedNames(specifier: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
  ])
  return JSON.parse(stdout) as string[]
}

describe('package exports', () => {
  it('tg-profile holds the operations, the archiver, the mappers and every error class, no plumbing', async () => {
    const names = await exportedNames('tg-profile')
    for (const name of [
      'getUserProfilePhotos',
      'iterUserProfilePhotos',
      'getUserProfileAudios',
      'resolveUser',
      'downloadFile',
      'archiveProfiles',
      'toUserProfilePhotos',
      'parseProfileFileId',
      'TgProfileError',
      'BotApiError',
      'NetworkError',
      'TimeoutError',
      'ConfigError',
      'SessionFileError',
      'NotLoggedInError',
      'LoginError',
      'ArchiveLockedError',
    ]) {
      expect(names).toContain(name)
    }
    for (const name of ['normalizeLimit', 'partCount', 'DESCRIPTIONS', 'registerTl', 'keepYoungGenerationSmall', 'EntityCache']) {
      expect(names).not.toContain(name)
    }
  })

  it('tg-profile/advanced holds the tuning knobs and the plumbing', async () => {
    const names = await exportedNames('tg-profile/advanced')
    for (const name of ['normalizeLimit', 'partCount', 'DESCRIPTIONS', 'registerTl', 'keepYoungGenerationSmall', 'EntityCache', 'MultiDcSession']) {
      expect(names).toContain(name)
    }
  })

  it('tg-profile/emulator starts an emulator and points a GramJS client at it', async () => {
    const names = await exportedNames('tg-profile/emulator')
    for (const name of ['startEmulator', 'readConnectionFile', 'createEmulatorClient', 'loginToEmulator', 'trustEmulatorKey']) {
      expect(names).toContain(name)
    }
  })
})

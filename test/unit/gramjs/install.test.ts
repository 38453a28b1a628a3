import { createRequire } from 'node:module'
import { jest } from '@jest/globals'
import { MTProtoSender } from 'telegram/network/index.js'
import { GRAMJS_VERSION_WARNING, PATCHED_GRAMJS, install, installedGramjsVersion, isPatchedGramjs } from '../../../src/gramjs/install.js'
import { gramjsContainerFixApplied } from '../../../src/gramjs/fixes/container.js'
import { gramjsReconnectFixApplied } from '../../../src/gramjs/fixes/reconnect.js'
import { speedupsInstalled } from '../../../src/gramjs/speedups/index.js'

const helpers = createRequire(import.meta.url)('telegram/Helpers.js') as { convertToLittle: unknown }

describe('isPatchedGramjs', () => {
  it('accepts the pinned range, 2.26.22 up to 2.27.0', () => {
    expect(PATCHED_GRAMJS.range).toBe('~2.26.22')
    expect(['2.26.22', '2.26.23', '2.26.99'].map(isPatchedGramjs)).toEqual([true, true, true])
  })

  it('refuses versions outside it, pre-releases and anything unparsable', () => {
    const refused = ['2.26.21', '2.27.0', '3.0.0', '1.26.22', '2.26.23-beta.1', '2.26', 'latest', '']
    expect(refused.filter(isPatchedGramjs)).toEqual([])
  })

  it('accepts the GramJS this package installs (its package.json version; the one it exports lags behind)', () => {
    expect(installedGramjsVersion()).toBe('2.26.22')
    expect(isPatchedGramjs(installedGramjsVersion())).toBe(true)
  })
})

// In this order: GramJS is patched once per process, so the refusal is shown first, on an untouched GramJS.
describe('install', () => {
  it('leaves GramJS alone outside the range and warns once, however often it is called', () => {
    const handleContainer = (MTProtoSender.prototype as unknown as { _handleContainer: unknown })._handleContainer
    const convertToLittle = helpers.convertToLittle
    const warnings: { message: string; code: string; type: string }[] = []
    const emitWarning = (message: string, options: { type: string; code: string }): void => {
      warnings.push({ message, ...options })
    }
    expect(install({ version: '2.27.1', emitWarning })).toBe(false)
    expect(install({ version: '2.27.1', emitWarning })).toBe(false)
    expect(warnings).toEqual([
      {
        message:
          'tg-profile: GramJS 2.27.1 is outside ~2.26.22, the versions its fixes and speedups were written for; they ' +
          'are not applied. Requests may hang where GramJS 2.26 has bugs, and downloads are slower.',
        code: GRAMJS_VERSION_WARNING,
        type: 'TgProfileWarning',
      },
    ])
    expect((MTProtoSender.prototype as unknown as { _handleContainer: unknown })._handleContainer).toBe(handleContainer)
    expect(helpers.convertToLittle).toBe(convertToLittle)
    expect([gramjsContainerFixApplied(), gramjsReconnectFixApplied(), speedupsInstalled()]).toEqual([false, false, false])
  })

  it('applies the fixes and the speedups within the range, once', () => {
    const emitWarning = jest.fn()
    expect(install({ version: '2.26.22', emitWarning })).toBe(true)
    const convertToLittle = helpers.convertToLittle
    expect(install({ emitWarning })).toBe(true)
    expect(emitWarning).not.toHaveBeenCalled()
    expect([gramjsContainerFixApplied(), gramjsReconnectFixApplied(), speedupsInstalled()]).toEqual([true, true, true])
    expect(helpers.convertToLittle).toBe(convertToLittle)
  })
})

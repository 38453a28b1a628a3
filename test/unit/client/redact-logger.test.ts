import { LogLevel } from 'telegram/extensions/Logger.js'
import { gramjsLogger } from '../../../src/client/connect.js'
import { clearSecrets, registerSecret } from '../../../src/client/redact.js'

describe('gramjsLogger', () => {
  afterEach(() => clearSecrets())

  it('prints nothing unless verbose', () => {
    const logger = gramjsLogger(false, { write: () => undefined })
    expect(logger.logLevel).toBe(LogLevel.NONE)
    expect(logger.canSend(LogLevel.ERROR)).toBe(false)
  })

  it('sends verbose lines to the sink with secrets redacted', () => {
    registerSecret('344583e45741c457fe1862106095a5eb')
    let out = ''
    const logger = gramjsLogger(true, { write: (s: string) => (out += s) })
    logger.info('connecting with hash 344583e45741c457fe1862106095a5eb')
    logger.debug('not shown at info level')
    expect(out).toBe('[gramjs info] connecting with hash [REDACTED]\n')
  })
})

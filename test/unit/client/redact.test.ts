import { clearSecrets, redact, registerSecret, REDACTED } from '../../../src/client/redact.js'

describe('redact', () => {
  afterEach(() => clearSecrets())

  it('removes every occurrence of a registered api_hash', () => {
    registerSecret('a1b2c3d4e5f60718293a4b5c6d7e8f90')
    expect(redact('hash=a1b2c3d4e5f60718293a4b5c6d7e8f90 again a1b2c3d4e5f60718293a4b5c6d7e8f90')).toBe(
      `hash=${REDACTED} again ${REDACTED}`,
    )
  })

  it('removes session-shaped strings even when never registered', () => {
    const session = `1${'AbC+/9'.repeat(60)}==`
    expect(redact(`session: ${session}.`)).toBe(`session: ${REDACTED}.`)
  })

  it('ignores values too short to be secrets', () => {
    registerSecret('abc')
    registerSecret(undefined)
    expect(redact('abc def')).toBe('abc def')
  })

  it('removes the longer of two overlapping secrets whole', () => {
    registerSecret('secretvalue')
    registerSecret('secretvalue-and-more')
    expect(redact('x secretvalue-and-more y')).toBe(`x ${REDACTED} y`)
  })

  it('leaves ordinary text alone', () => {
    expect(redact('Error 400: Bad Request: user not found')).toBe('Error 400: Bad Request: user not found')
  })
})

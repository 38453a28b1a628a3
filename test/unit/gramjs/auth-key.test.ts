import { createHash, randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import '../../../src/gramjs/installed.js'
import { gramjsAuthKeyFixApplied } from '../../../src/gramjs/fixes/auth-key.js'

const require = createRequire(import.meta.url)
const { AuthKey } = require('telegram/crypto/AuthKey.js') as {
  AuthKey: new () => { setKey(key: Buffer): Promise<void>; getKey(): Buffer | undefined; keyId?: { toString(): string } }
}

/** The auth_key_id of a key: the low 64 bits of its SHA1, unsigned as GramJS reads it (core.telegram.org/mtproto/auth_key). */
const keyIdOf = (key: Buffer): string => createHash('sha1').update(key).digest().readBigUInt64LE(12).toString()

describe('the auth key fix', () => {
  it('is applied', () => {
    expect(gramjsAuthKeyFixApplied()).toBe(true)
  })

  it('keeps the leading zero bytes of a key whose number is below 2^2040, as the server does', async () => {
    const full = Buffer.concat([Buffer.alloc(1), randomBytes(255)])
    full[1] = full[1]! | 1 // the number takes exactly 255 bytes
    const key = new AuthKey()
    // GramJS's step 3 hands over the shortest bytes of g^ab mod p
    await key.setKey(full.subarray(1))
    expect(key.getKey()).toEqual(full)
    expect(key.keyId!.toString()).toBe(keyIdOf(full))
  })

  it('leaves a 256-byte key as it is', async () => {
    const full = randomBytes(256)
    const key = new AuthKey()
    await key.setKey(full)
    expect(key.getKey()).toEqual(full)
    expect(key.keyId!.toString()).toBe(keyIdOf(full))
  })
})

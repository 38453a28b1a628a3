/**
 * Perfect forward secrecy (core.telegram.org/api/pfs) and the update state, against the whole emulator: a temporary
 * key made with `p_q_inner_data_temp_dc`, bound to a logged-in permanent key with `auth.bindTempAuthKey`, then
 * expiring on the emulator's clock.
 */
import bigInt from 'big-integer'
import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { Api } from 'telegram'
import { shutdownClient } from '../../../src/client/connect.js'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { authKeyIdOf, generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { RawClient, encryptFor, openServerPacket, parse, rawHandshake } from '../protocol/raw-client.js'
import { loggedInTestClient } from './helpers.js'

const rsaKey = generateRsaKeyPair()
const sha1 = (...parts: Buffer[]): Buffer => createHash('sha1').update(Buffer.concat(parts)).digest()

/** AES-256-IGE encryption, written here apart from the emulator's own. */
function igeEncrypt(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  const ecb = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false)
  let x = iv.subarray(16, 32)
  let y = iv.subarray(0, 16)
  const out = Buffer.alloc(data.length)
  for (let i = 0; i < data.length; i += 16) {
    const block = Buffer.alloc(16)
    for (let j = 0; j < 16; j++) block[j] = data[i + j]! ^ y[j]!
    const enc = ecb.update(block)
    for (let j = 0; j < 16; j++) out[i + j] = enc[j]! ^ x[j]!
    x = data.subarray(i, i + 16)
    y = out.subarray(i, i + 16)
  }
  return out
}

/** The binding message of core.telegram.org/method/auth.bindTempAuthKey, MTProto 1.0-encrypted with `perm`. */
function bindingMessage(perm: Buffer, msgId: bigint, inner: { nonce: bigint; temp: bigint; tempSession: bigint; expiresAt: number }): Buffer {
  const plain = Buffer.alloc(32 + 40)
  randomBytes(16).copy(plain, 0)
  plain.writeBigInt64LE(msgId, 16)
  plain.writeInt32LE(0, 24)
  plain.writeInt32LE(40, 28)
  plain.writeUInt32LE(0x75a3f765, 32)
  plain.writeBigInt64LE(inner.nonce, 36)
  plain.writeBigUInt64LE(inner.temp, 44)
  plain.writeBigUInt64LE(authKeyIdOf(perm), 52)
  plain.writeBigInt64LE(inner.tempSession, 60)
  plain.writeInt32LE(inner.expiresAt, 68)
  const msgKey = sha1(plain).subarray(4, 20)
  const a = sha1(msgKey, perm.subarray(0, 32))
  const b = sha1(perm.subarray(32, 48), msgKey, perm.subarray(48, 64))
  const c = sha1(perm.subarray(64, 96), msgKey)
  const d = sha1(msgKey, perm.subarray(96, 128))
  const key = Buffer.concat([a.subarray(0, 8), b.subarray(8, 20), c.subarray(4, 16)])
  const iv = Buffer.concat([a.subarray(8, 20), b.subarray(0, 8), c.subarray(16, 20), d.subarray(0, 8)])
  const id = Buffer.alloc(8)
  id.writeBigUInt64LE(authKeyIdOf(perm))
  return Buffer.concat([id, msgKey, igeEncrypt(Buffer.concat([plain, randomBytes(8)]), key, iv)])
}

describe('temporary auth keys (PFS)', () => {
  let emu: RunningEmulator
  let gram: EmulatorTelegramClient
  let offsetMs = 0
  const clients: RawClient[] = []

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 3, rsaKey, clock: { now: () => Date.now() + offsetMs } })
    gram = await loggedInTestClient(emu)
  })

  afterAll(async () => {
    for (const c of clients) c.close()
    await shutdownClient(gram)
    await emu.close()
  })

  it('answers updates.getState with one state and updates.getDifference from it with differenceEmpty', async () => {
    const a = await gram.invoke(new Api.updates.GetState())
    const b = await gram.invoke(new Api.updates.GetState())
    expect([a.pts, a.qts, a.seq]).toEqual([b.pts, b.qts, b.seq])
    const diff = await gram.invoke(new Api.updates.GetDifference({ pts: a.pts, qts: a.qts, date: a.date }))
    expect(diff).toBeInstanceOf(Api.updates.DifferenceEmpty)
    expect((diff as Api.updates.DifferenceEmpty).seq).toBe(a.seq)
    await expect(gram.invoke(new Api.updates.GetDifference({ pts: a.pts + 5, qts: a.qts, date: a.date }))).rejects.toThrow(
      'PERSISTENT_TIMESTAMP_INVALID',
    )
  })

  it('binds a temporary key to the permanent one, which then acts logged in until it expires (-404)', async () => {
    const perm = gram.session.getAuthKey()!.getKey()!
    const home = emu.connection.dcs.find((d) => d.id === emu.connection.homeDcId)!
    const c = await RawClient.open(home.port, 'intermediate')
    clients.push(c)
    const { authKey: temp, salt } = await rawHandshake(c, emu.connection.publicKey, { rsa: 'pad', dc: home.id, expiresIn: 3600 })
    const sessionId = 99n
    let seq = 1
    const call = async (build: (msgId: bigint) => Buffer): Promise<unknown> => {
      const msgId = c.newMsgId()
      c.send(encryptFor(temp, { salt, sessionId, msgId, seqNo: seq, body: build(msgId) }))
      seq += 2
      for (;;) {
        const p = await c.recv()
        if (p === undefined) throw new Error('closed')
        if (p.length === 4) return { transportError: p.readInt32LE(0) }
        for (const m of openServerPacket(temp, p)) {
          if (m.body.readUInt32LE(0) === 0xf35c6d01 && m.body.readBigInt64LE(4) === msgId) return parse(m.body.subarray(12))
        }
      }
    }
    const errorOf = (x: unknown): string => (x instanceof Api.RpcError ? x.errorMessage : `not an error: ${String(x)}`)

    expect(errorOf(await call(() => new Api.updates.GetState().getBytes()))).toBe('AUTH_KEY_PERM_EMPTY')

    const expiresAt = Math.floor((Date.now() + offsetMs) / 1000) + 600
    const bind = (nonce: bigint, innerNonce: bigint) => (msgId: bigint): Buffer =>
      new Api.auth.BindTempAuthKey({
        permAuthKeyId: bigInt(BigInt.asIntN(64, authKeyIdOf(perm)).toString()),
        nonce: bigInt(nonce.toString()),
        expiresAt,
        encryptedMessage: bindingMessage(perm, msgId, { nonce: innerNonce, temp: authKeyIdOf(temp), tempSession: sessionId, expiresAt }),
      }).getBytes()
    expect(errorOf(await call(bind(7n, 8n)))).toBe('ENCRYPTED_MESSAGE_INVALID')
    expect(await call(bind(7n, 7n))).toBe(true)

    const state = await call(() => new Api.updates.GetState().getBytes())
    expect(state).toBeInstanceOf(Api.updates.State)
    const self = await call(() => new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }).getBytes())
    expect((self as Api.User[]).map((u) => u.id.toString())).toEqual([String(emu.connection.testAccount.userId)])

    offsetMs += 601_000
    expect(await call(() => new Api.updates.GetState().getBytes())).toEqual({ transportError: -404 })
  })
})

/**
 * Counts how often `generateRsaKeyPair` exports a key object straight from `generateKeyPairSync` (run compiled by
 * `keygen.test.ts`, in a process of its own, so that it can wrap Node's own crypto functions before the emulator's
 * module loads). Prints `generated N, exported M` after N generations.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import type * as NodeCrypto from 'node:crypto'

const crypto = createRequire(import.meta.url)('node:crypto') as typeof NodeCrypto
const generated = new WeakSet<object>()
let exported = 0
const generate = crypto.generateKeyPairSync as (...args: unknown[]) => { publicKey: unknown; privateKey: unknown }
;(crypto as { generateKeyPairSync: unknown }).generateKeyPairSync = (...args: unknown[]) => {
  const pair = generate(...args)
  for (const key of [pair.publicKey, pair.privateKey]) if (key instanceof crypto.KeyObject) generated.add(key)
  return pair
}
for (const key of [crypto.generateKeyPairSync('ed25519').privateKey, crypto.generateKeyPairSync('ed25519').publicKey]) {
  // PrivateKeyObject and PublicKeyObject each define their own export.
  const proto = Object.getPrototypeOf(key) as { export: (this: object, ...args: unknown[]) => unknown }
  const original = proto.export
  proto.export = function (this: object, ...args: unknown[]) {
    if (generated.has(this)) exported++
    return original.apply(this, args)
  }
}
syncBuiltinESMExports()

const { generateRsaKeyPair } = await import('../../../../src/emulator/protocol/crypto.js')
const count = Number(process.argv[2] ?? '3')
for (let i = 0; i < count; i++) generateRsaKeyPair()
process.stdout.write(`generated ${count}, exported ${exported}\n`)

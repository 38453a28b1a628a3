/**
 * AES-256-IGE decryption of every received message ran in JavaScript (`@cryptography/aes`, ~14 ms per MiB on the
 * benchmark machine); here it runs in mtcute's WebAssembly build (`@mtcute/wasm`, SIMD when the engine has it,
 * ~6 ms per MiB). IGE decryption feeds each block's plaintext into the next block's input, so it cannot be handed
 * to OpenSSL as one call the way the emulator's encryption is; WebAssembly is the fastest portable option.
 * Encryption (the client's small requests) stays on GramJS's own code.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { SIMD_AVAILABLE, __getWasm, ige256Decrypt, initSync } from '@mtcute/wasm'
import { gramjsModule } from '../internals.js'

const require = createRequire(import.meta.url)

interface IgeCipher {
  encryptIge(plainText: Buffer): Buffer
  decryptIge(cipherText: Buffer): Buffer
}

/** `telegram/crypto/IGE.js`. */
export interface IgeModule {
  IGE: new (key: Buffer, iv: Buffer) => IgeCipher
}

/**
 * Replaces GramJS's `IGE` class (read by `MTProtoState` through the module object at every message) by one whose
 * `decryptIge` runs in WebAssembly; `encryptIge` is GramJS's own.
 */
export function installWasmIgeDecrypt(): void {
  const wasmFile = SIMD_AVAILABLE ? '@mtcute/wasm/mtcute-simd.wasm' : '@mtcute/wasm/mtcute.wasm'
  initSync(readFileSync(require.resolve(wasmFile)))
  const igeModule = gramjsModule<IgeModule>('telegram/crypto/IGE.js')
  const JsIge = igeModule.IGE
  igeModule.IGE = class WasmDecryptIge implements IgeCipher {
    readonly #key: Buffer
    readonly #iv: Buffer
    constructor(key: Buffer, iv: Buffer) {
      this.#key = key
      this.#iv = iv
    }
    encryptIge(plainText: Buffer): Buffer {
      return new JsIge(this.#key, this.#iv).encryptIge(plainText)
    }
    decryptIge(cipherText: Buffer): Buffer {
      if (cipherText.length % 16 !== 0) return new JsIge(this.#key, this.#iv).decryptIge(cipherText)
      // A fresh copy out of the WebAssembly memory: wrapping it costs nothing and nothing else holds it.
      const plain = ige256Decrypt(cipherText, this.#key, this.#iv)
      return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)
    }
  }
}

/**
 * AES-256-IGE decryption of `data` (a multiple of 16 bytes) written over `data` itself, in mtcute's WebAssembly: the
 * same steps as its `ige256Decrypt` (which returns the plaintext in a new array), with the result copied back into
 * the caller's memory instead. IGE reads each previous ciphertext block, so input and output are distinct regions of
 * the WebAssembly memory.
 */
export function decryptIgeInPlace(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  const wasm = __getWasm()
  const input = wasm.__malloc(data.length * 2)
  const output = input + data.length
  try {
    // After the allocation: it may have grown the memory, which detaches views made before.
    const memory = new Uint8Array(wasm.memory.buffer)
    memory.set(data, input)
    memory.set(key, wasm.__get_shared_key_buffer())
    memory.set(iv, wasm.__get_shared_iv_buffer())
    wasm.ige256_decrypt(input, data.length, output)
    data.set(memory.subarray(output, output + data.length))
  } finally {
    wasm.__free(input)
  }
  return data
}

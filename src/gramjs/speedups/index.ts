/**
 * CPU savings in GramJS 2.26's receive path, same bytes in and out (a bulk download decrypts and checks every byte
 * the server sends, so these per-byte loops dominate the archiver's CPU after AES itself), one file each:
 *
 * - `little-endian.ts`: `Helpers.convertToLittle`, byte-swapped in place;
 * - `crc.ts`: the TCPFull codec's CRC32, native and without a copy;
 * - `ige.ts`: AES-256-IGE decryption in WebAssembly;
 * - `socket-reader.ts`: the socket reader, assembling each read once in reused memory (`packet-memory.ts`);
 * - `decrypt.ts`: `MTProtoState.decryptMessageData`, its msg_key check without a copy and its plaintext written over
 *   the received bytes.
 *
 * GramJS reads all of these its CommonJS module objects at call time, so replacing them takes effect for every
 * client. {@link installSpeedups} is idempotent; the one `install()` of src/gramjs calls it.
 */
import { installNativeCrc } from './crc.js'
import { installDecryptWithoutCopy } from './decrypt.js'
import { installWasmIgeDecrypt } from './ige.js'
import { helpersModule, installLittleEndianSwap } from './little-endian.js'
import { installPooledSocketReader } from './socket-reader.js'

/**
 * Replaces GramJS's per-byte JavaScript loops on the receive path by native equivalents, and its socket reader by one
 * that reuses memory (once per process; later calls do nothing). Call it before connecting: a socket opened earlier
 * keeps GramJS's own reader.
 */
export function installSpeedups(): void {
  const helpers = helpersModule()
  if (helpers.__tgProfileSpeedups === true) return
  helpers.__tgProfileSpeedups = true
  installLittleEndianSwap()
  installWasmIgeDecrypt()
  installPooledSocketReader()
  installDecryptWithoutCopy()
  installNativeCrc()
}

/** Whether {@link installSpeedups} has replaced GramJS's receive path in this process. */
export function speedupsInstalled(): boolean {
  return helpersModule().__tgProfileSpeedups === true
}

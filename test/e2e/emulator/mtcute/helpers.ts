/**
 * mtcute (`@mtcute/node`, unmodified, from npm) as a new user configures it against the emulator: the emulator's
 * address (`defaultDcs`), its RSA key (`addPublicKey`) and `MemoryStorage`, nothing else. The transport and PFS are
 * mtcute's own options; the transports are composed from the codecs mtcute exports.
 *
 * Each suite's emulator gets a key mtcute can find ({@link keyMtcuteCanFind}: its fingerprint is at least 2^60).
 */
import { createHash } from 'node:crypto'
import {
  IntermediatePacketCodec,
  ObfuscatedPacketCodec,
  PaddedIntermediatePacketCodec,
  TcpTransport,
  TelegramClient,
  type IPacketCodec,
  type TelegramTransport,
  type User,
} from '@mtcute/node'
import type { EmulatorAccount, RunningEmulator } from '../../../../src/emulator/index.js'
import type { EmulatorConnection } from '../../../../src/spec/emulator-connection.js'

export { keyMtcuteCanFind } from '../../../../scripts/bench/mtcute-key.js'
import { mtcuteForEmulator } from '../../../../scripts/bench/mtcute-client.js'

/** mtcute's TCP connection with another of its packet codecs (the documented `transport` option). */
function tcpWith(codec: () => IPacketCodec): TelegramTransport {
  const tcp = new TcpTransport()
  return { connect: (dc) => tcp.connect(dc), packetCodec: codec }
}

/**
 * Every transport @mtcute/node 0.30.3 offers over plain TCP: intermediate (its default), padded intermediate and the
 * obfuscated wrapper over each. It has no abridged or full transport; its HTTP/SOCKS/MTProxy transports need a proxy.
 */
export const MTCUTE_TRANSPORTS: Readonly<Record<string, () => TelegramTransport>> = {
  intermediate: () => new TcpTransport(),
  'padded intermediate': () => tcpWith(() => new PaddedIntermediatePacketCodec()),
  'obfuscated intermediate': () => tcpWith(() => new ObfuscatedPacketCodec(new IntermediatePacketCodec())),
  'obfuscated padded intermediate': () => tcpWith(() => new ObfuscatedPacketCodec(new PaddedIntermediatePacketCodec())),
}

/** Options of {@link mtcuteClient}. */
export interface MtcuteClientOptions {
  /** Default mtcute's own (intermediate over TCP). */
  readonly transport?: TelegramTransport
  /** mtcute's `network.usePfs`: temporary keys bound to the permanent one. Default false (mtcute's default). */
  readonly usePfs?: boolean
}

/** A silent mtcute client for `emu`'s home DC, with a fresh `MemoryStorage`. */
export function mtcuteClient(emu: RunningEmulator, options: MtcuteClientOptions = {}): TelegramClient {
  return mtcuteClientFor(emu.connection, options)
}

/** {@link mtcuteClient} from the emulator's connection file alone (for a client in a process of its own). */
export function mtcuteClientFor(connection: EmulatorConnection, options: MtcuteClientOptions = {}): TelegramClient {
  return mtcuteForEmulator(connection, {
    ...(options.transport !== undefined ? { transport: options.transport } : {}),
    ...(options.usePfs === true ? { network: { usePfs: true } } : {}),
  })
}

/** The emulator's test account with (`true`) or without a 2FA password. */
export function account(emu: RunningEmulator, withPassword: boolean): EmulatorAccount {
  const found = emu.connection.accounts.find((a) => (a.password !== undefined) === withPassword)
  if (found === undefined) throw new Error(`the emulator has no test account ${withPassword ? 'with' : 'without'} 2FA`)
  return found
}

/**
 * Logs `tg` in as `who` the way mtcute's guide does: `start()` with the phone, the code and (for 2FA) the password,
 * given as values since the emulator's codes are known.
 */
export async function startAs(tg: TelegramClient, who: EmulatorAccount): Promise<User> {
  return await tg.start({
    phone: who.phone,
    code: who.code,
    ...(who.password !== undefined ? { password: who.password } : {}),
    // start() prints where the code went unless told otherwise
    codeSentCallback: () => undefined,
  })
}

/** sha256 of bytes, lowercase hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The emulator's connection file: everything a client needs to reach a running emulator and trust it. It is the
 * contract between the emulator (which writes it) and the client (which reads it), so it lives with the spec rather
 * than on either side.
 * Written by `tg-profile emulator --connection-file F` and by {@link writeConnectionFile}; read by every tg-profile
 * entry point given `--emulator F` / `TG_EMULATOR=F`.
 */
import { readFile, writeFile } from 'node:fs/promises'

/** One emulated data centre as clients reach it. */
export interface DcAddress {
  readonly id: number
  readonly host: string
  readonly port: number
}

/** The emulator's RSA public key, as clients need it to start the auth-key exchange. */
export interface EmulatorPublicKey {
  /** Modulus, lowercase hex without `0x`. */
  readonly n: string
  /** Public exponent (65537). */
  readonly e: number
  /** Fingerprint: low 64 bits of SHA1(TL-serialized `rsa_public_key n:bytes e:bytes`), as a signed decimal string (the way GramJS keys its server key table). */
  readonly fingerprint: string
  /** The same key in PEM (PKCS#1), for other MTProto clients. */
  readonly pem: string
}

/** A test account of the emulated world that any client may log in as. */
export interface EmulatorAccount {
  /** User id of the account. */
  readonly userId: number
  /** Phone number in international format without `+`. */
  readonly phone: string
  /** The login code the emulator accepts for this phone (it never sends one anywhere). */
  readonly code: string
  /** The 2FA (cloud) password, when the account has one. */
  readonly password?: string
  readonly firstName: string
  readonly username?: string
  /** Set on an account with Telegram Premium (no download speed limit: never `FLOOD_PREMIUM_WAIT_X`). */
  readonly premium?: true
}

/** Contents of the connection file (JSON). */
export interface EmulatorConnection {
  /** Format version of this file. */
  readonly version: 1
  /** Every emulated DC, each with its own TCP port on loopback. */
  readonly dcs: readonly DcAddress[]
  /** The DC a fresh client should connect to first. */
  readonly homeDcId: number
  /** The server key to trust for this emulator only. */
  readonly publicKey: EmulatorPublicKey
  /** `api_id` / `api_hash` the emulator accepts (any non-zero id works; these are a convenience). */
  readonly apiId: number
  readonly apiHash: string
  /** The default account to log in as (the first of {@link accounts}). */
  readonly testAccount: EmulatorAccount
  /** Every test account (at least one with 2FA, one without and one with Premium). */
  readonly accounts: readonly EmulatorAccount[]
}

/** Writes a connection file (mode 0600: it holds a login code and a password). */
export async function writeConnectionFile(path: string, connection: EmulatorConnection): Promise<void> {
  await writeFile(path, `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 })
}

/** Reads and checks a connection file. */
export async function readConnectionFile(path: string): Promise<EmulatorConnection> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'))
  const c = parsed as Partial<EmulatorConnection> | null
  if (
    c === null ||
    typeof c !== 'object' ||
    c.version !== 1 ||
    !Array.isArray(c.dcs) ||
    c.dcs.length === 0 ||
    typeof c.homeDcId !== 'number' ||
    typeof c.publicKey?.n !== 'string' ||
    typeof c.testAccount?.phone !== 'string'
  ) {
    throw new Error(`${path} is not a tg-profile emulator connection file`)
  }
  return c as EmulatorConnection
}

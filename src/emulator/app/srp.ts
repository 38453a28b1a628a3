/**
 * The server side of Telegram's SRP 2FA check (https://core.telegram.org/api/srp) for the KDF
 * `passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow` with Telegram's 2048-bit prime and g = 3.
 *
 * x = PH2(password, salt1, salt2); v = g^x mod p; k = H(p | g); B = (k·v + g^b) mod p;
 * u = H(A | B); S = (A · v^u)^b mod p; K = H(S); M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K).
 * Every number is hashed as 256 big-endian bytes.
 */
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto'

/** Telegram's 2048-bit safe prime (the one clients accept for SRP and DH). */
export const SRP_PRIME = Buffer.from(
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
  'hex',
)
export const SRP_G = 3

const P = BigInt(`0x${SRP_PRIME.toString('hex')}`)

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

function toBig(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`)
}

/** A number as 256 big-endian bytes. */
export function pad256(n: bigint): Buffer {
  const hex = n.toString(16).padStart(512, '0')
  return Buffer.from(hex, 'hex')
}

/** base^exp mod m. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n
  let b = ((base % m) + m) % m
  let e = exp
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % m
    b = (b * b) % m
    e >>= 1n
  }
  return result
}

/** PH2 of the spec: the password hash `x` (as bytes). PBKDF2 with 100 000 iterations: compute once and keep. */
export function passwordHash(password: string, salt1: Buffer, salt2: Buffer): Buffer {
  const sh = (data: Buffer, salt: Buffer): Buffer => sha256(salt, data, salt)
  const ph1 = sh(sh(Buffer.from(password, 'utf8'), salt1), salt2)
  return sh(pbkdf2Sync(ph1, salt1, 100_000, 64, 'sha512'), salt2)
}

/** The verifier v = g^x mod p stored for an account. */
export function verifier(x: Buffer): bigint {
  return modPow(BigInt(SRP_G), toBig(x), P)
}

/** One server round: the secret b and the public B sent as `srp_B`. */
export interface SrpRound {
  readonly b: bigint
  readonly B: Buffer
}

const K_MULT = toBig(sha256(SRP_PRIME, pad256(BigInt(SRP_G))))

/** Starts a round for a verifier (B = k·v + g^b mod p). */
export function startRound(v: bigint, random: (n: number) => Buffer = randomBytes): SrpRound {
  for (;;) {
    const b = toBig(random(256)) % P
    const B = (K_MULT * v + modPow(BigInt(SRP_G), b, P)) % P
    if (B > 0n) return { b, B: pad256(B) }
  }
}

/** Checks the client's `A` and `M1` against a round; true when the password was right. */
export function checkM1(round: SrpRound, v: bigint, salt1: Buffer, salt2: Buffer, A: Buffer, M1: Buffer): boolean {
  const a = toBig(A)
  if (a <= 1n || a >= P - 1n) return false
  const aPad = pad256(a)
  const u = toBig(sha256(aPad, round.B))
  if (u === 0n) return false
  const S = modPow((a * modPow(v, u, P)) % P, round.b, P)
  const K = sha256(pad256(S))
  const hp = sha256(SRP_PRIME)
  const hg = sha256(pad256(BigInt(SRP_G)))
  const x = Buffer.alloc(32)
  for (let i = 0; i < 32; i++) x[i] = (hp[i] as number) ^ (hg[i] as number)
  const expected = sha256(x, sha256(salt1), sha256(salt2), aPad, round.B, K)
  return expected.length === M1.length && expected.equals(M1)
}

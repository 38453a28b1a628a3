/**
 * The world's secret and everything keyed by it: the deterministic values seeding draws from, access hashes and file
 * references. A client can neither guess an access hash nor forge a file reference, yet the same seed always gives
 * the same ones, so a saved session keeps working against a restarted emulator.
 */
import { createHash, createHmac } from 'node:crypto'

/** The secret every derived value of the world for `seed` comes from. */
export function worldSecret(seed: number): Buffer {
  return createHash('sha256').update(`tg-profile emulator world ${seed}`).digest()
}

/** Deterministic 32-bit values from a label. */
export function h32(secret: Buffer, label: string): number {
  return createHmac('sha256', secret).update(label).digest().readUInt32LE(0)
}

/** Deterministic signed 64-bit values from a label. */
export function h64(secret: Buffer, label: string): bigint {
  return createHmac('sha256', secret).update(label).digest().readBigInt64LE(0)
}

/** The access hash `viewer` sees for `user` (differs per viewer, as on Telegram). */
export function accessHash(secret: Buffer, viewerUserId: bigint, userId: bigint): bigint {
  return h64(secret, `access/${viewerUserId}/${userId}`)
}

/** The access hash `viewer` sees for a channel (differs per viewer, as on Telegram). */
export function channelAccessHash(secret: Buffer, viewerUserId: bigint, channelId: bigint): bigint {
  return h64(secret, `channel-access/${viewerUserId}/${channelId}`)
}

/** Access hash of a photo or document. */
export function fileAccessHash(secret: Buffer, id: bigint): bigint {
  return h64(secret, `file-access/${id}`)
}

/** A file reference issued at `issuedAt` (unix seconds): 1 version byte, 4 bytes issue time, 12 bytes HMAC. */
export function fileReference(secret: Buffer, id: bigint, issuedAt: number): Buffer {
  const head = Buffer.alloc(5)
  head.writeUInt8(1, 0)
  head.writeUInt32BE(issuedAt >>> 0, 1)
  const mac = createHmac('sha256', secret).update(`fileref/${id}/`).update(head).digest().subarray(0, 12)
  return Buffer.concat([head, mac])
}

/** Issue time of a genuine file reference for `id`, or undefined when it is not one. */
export function fileReferenceIssuedAt(secret: Buffer, id: bigint, ref: Buffer): number | undefined {
  if (ref.length !== 17 || ref[0] !== 1) return undefined
  const issuedAt = ref.readUInt32BE(1)
  return fileReference(secret, id, issuedAt).equals(ref) ? issuedAt : undefined
}

/**
 * The physical lower bound of an archive run, from the world's ground truth (pure math, no I/O).
 *
 * Minimal RPCs: one resolve per user given by username, ⌈n/100⌉ listing calls per user (a user with no photos
 * still costs one call, the one that says so), and ⌈size/1 MiB⌉ `upload.getFile` calls per selected file (1 MiB is
 * the largest part `upload.getFile` serves). Time: those RPCs × the round-trip latency ÷ the requests allowed in
 * flight, plus the bytes over the measured loopback bandwidth.
 */

/** `photos.getUserPhotos` returns at most this many photos per call. */
export const LIST_PAGE_SIZE = 100
/** `upload.getFile` serves at most this many bytes per call. */
export const MAX_PART_SIZE = 1024 * 1024

/** One user as the lower bound sees it. */
export interface LowerBoundUser {
  /** Photos on the profile (0 still costs one listing call). */
  readonly photoCount: number
  /** Audios on the profile, when audios are archived (undefined: not listed at all). */
  readonly audioCount?: number
  /** true when the user is given by username (one `contacts.resolveUsername`). */
  readonly resolve: boolean
  /** Byte length of every file the archiver's selection downloads for this user. */
  readonly fileSizes: readonly number[]
}

/** Inputs of {@link lowerBound}. */
export interface LowerBoundInput {
  readonly users: Iterable<LowerBoundUser>
  /** Round-trip latency per RPC, milliseconds. */
  readonly latencyMs: number
  /** Requests allowed in flight at once (the archiver's default). */
  readonly inFlight: number
  /** Measured loopback bandwidth, bytes per second. */
  readonly bandwidthBytesPerSecond: number
  /** Part size of `upload.getFile`. Default {@link MAX_PART_SIZE}. */
  readonly partSize?: number
}

/** The minimal work and time of a run. */
export interface LowerBound {
  readonly users: number
  readonly files: number
  readonly bytes: number
  readonly rpcs: {
    readonly resolve: number
    readonly list: number
    readonly getFile: number
    readonly total: number
  }
  /** RPCs × latency ÷ in flight, milliseconds. */
  readonly latencyMs: number
  /** Bytes ÷ bandwidth, milliseconds. */
  readonly transferMs: number
  /** The sum of the two. */
  readonly wallMs: number
}

/** Listing calls for `n` items: ⌈n/100⌉, and at least one. */
export function listCalls(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`listCalls: bad count ${n}`)
  return Math.max(1, Math.ceil(n / LIST_PAGE_SIZE))
}

/** `upload.getFile` calls for a file of `size` bytes: ⌈size/part⌉, and at least one. */
export function getFileCalls(size: number, partSize: number = MAX_PART_SIZE): number {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`getFileCalls: bad size ${size}`)
  if (!(partSize > 0)) throw new RangeError(`getFileCalls: bad part size ${partSize}`)
  return Math.max(1, Math.ceil(size / partSize))
}

/** Computes the lower bound of archiving `input.users`. */
export function lowerBound(input: LowerBoundInput): LowerBound {
  if (!(input.inFlight >= 1)) throw new RangeError(`lowerBound: inFlight must be ≥ 1, got ${input.inFlight}`)
  if (!(input.bandwidthBytesPerSecond > 0)) throw new RangeError('lowerBound: bandwidth must be positive')
  if (!(input.latencyMs >= 0)) throw new RangeError('lowerBound: latency must be ≥ 0')
  const partSize = input.partSize ?? MAX_PART_SIZE
  let users = 0
  let files = 0
  let bytes = 0
  let resolve = 0
  let list = 0
  let getFile = 0
  for (const u of input.users) {
    users++
    if (u.resolve) resolve++
    list += listCalls(u.photoCount)
    if (u.audioCount !== undefined) list += listCalls(u.audioCount)
    for (const size of u.fileSizes) {
      files++
      bytes += size
      getFile += getFileCalls(size, partSize)
    }
  }
  const total = resolve + list + getFile
  const latencyMs = (total * input.latencyMs) / input.inFlight
  const transferMs = (bytes / input.bandwidthBytesPerSecond) * 1000
  return { users, files, bytes, rpcs: { resolve, list, getFile, total }, latencyMs, transferMs, wallMs: latencyMs + transferMs }
}

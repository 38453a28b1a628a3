/**
 * `upload.getFile`: parts of profile photos (every size), video avatars, the current avatar by peer
 * (`inputPeerPhotoFileLocation`) and profile audios.
 *
 * - Without `precise`: limit > 0, divisible by 4096, dividing 1 MiB; offset divisible by 4096; the request must not
 *   cross a 1 MiB boundary. With `precise`: offset and limit divisible by 1024, limit ≤ 1 MiB, and still no 1 MiB
 *   boundary crossed (https://core.telegram.org/api/files). A crossing answers `LIMIT_INVALID`.
 * - A photo or document whose id or access hash is wrong answers `LOCATION_INVALID`; a forged file reference
 *   `FILE_REFERENCE_INVALID`; an empty one `FILE_REFERENCE_EMPTY`; a genuine one older than the TTL
 *   `FILE_REFERENCE_EXPIRED`. The file's DC is checked before the file reference.
 * - The first part names the file type, later parts are `storage.filePartial` (our reading).
 */
import type { CallContext } from '../rpc.js'
import type { TlObject } from '../tl/codec.js'
import { bytes, flag, int, long, obj, str } from '../tl/fields.js'
import { getFileWindowError } from '../../spec/limits.js'
import { err, type AppCore, type Handler } from './core.js'

/** A file a location names: its counter key, DC, bytes and type. */
interface Located {
  readonly key: string
  readonly dcId: number
  readonly bytes: () => Buffer
  readonly type: string
}

/** The file handler over one world. */
export function fileHandlers(core: AppCore): Record<string, Handler> {
  const world = core.world

  const checkFileReference = (id: bigint, ref: Buffer): void => {
    if (ref.length === 0) throw err(400, 'FILE_REFERENCE_EMPTY')
    const issuedAt = world.fileReferenceIssuedAt(id, ref)
    if (issuedAt === undefined) throw err(400, 'FILE_REFERENCE_INVALID')
    const ttl = core.faults.fileReferenceTtlSeconds
    if (ttl !== undefined && core.nowSec() - issuedAt > ttl) throw err(400, 'FILE_REFERENCE_EXPIRED')
  }

  const onDc = (dcId: number, ctx: CallContext): void => {
    if (dcId !== ctx.dcId) throw err(303, `FILE_MIGRATE_${dcId}`)
  }

  const photoFile = (loc: TlObject, ctx: CallContext): Located => {
    const id = long(loc, 'id')
    const photo = world.photoById(id)
    if (photo === undefined || long(loc, 'access_hash') !== world.fileAccessHash(id)) throw err(400, 'LOCATION_INVALID')
    onDc(photo.dcId, ctx)
    checkFileReference(id, bytes(loc, 'file_reference'))
    const thumb = str(loc, 'thumb_size')
    if (thumb === 'u' && photo.videoStartTs !== undefined) {
      return { key: `video:${photo.id}:u`, dcId: photo.dcId, bytes: () => world.videoBytes(photo), type: 'storage.fileMp4' }
    }
    const size = photo.sizes.find((s) => s.type === thumb)
    if (size === undefined) throw err(400, 'LOCATION_INVALID')
    return {
      key: `photo:${photo.id}:${size.type}`,
      dcId: photo.dcId,
      bytes: () => world.photoSizeBytes(photo, size),
      type: 'storage.fileJpeg',
    }
  }

  const documentFile = (loc: TlObject, ctx: CallContext): Located => {
    const id = long(loc, 'id')
    const audio = world.audioById(id)
    if (audio === undefined || long(loc, 'access_hash') !== world.fileAccessHash(id) || str(loc, 'thumb_size') !== '') {
      throw err(400, 'LOCATION_INVALID')
    }
    onDc(audio.dcId, ctx)
    checkFileReference(id, bytes(loc, 'file_reference'))
    return { key: `audio:${audio.id}`, dcId: audio.dcId, bytes: () => world.audioBytes(audio), type: 'storage.fileMp3' }
  }

  const peerPhotoFile = (loc: TlObject, ctx: CallContext): Located => {
    const user = core.resolveInputUser(loc['peer'], core.viewer(ctx))
    if (user === undefined) throw err(400, 'PEER_ID_INVALID')
    const photo = world.photoById(long(loc, 'photo_id'))
    if (photo === undefined || photo.ownerIndex !== user.index) throw err(400, 'LOCATION_INVALID')
    const size = photo.sizes.find((s) => s.type === (flag(loc, 'big') ? 'c' : 'a'))
    if (size === undefined) throw err(400, 'LOCATION_INVALID')
    onDc(photo.dcId, ctx)
    return {
      key: `photo:${photo.id}:${size.type}`,
      dcId: photo.dcId,
      bytes: () => world.photoSizeBytes(photo, size),
      type: 'storage.fileJpeg',
    }
  }

  const getFile = (r: TlObject, ctx: CallContext): TlObject => {
    core.viewer(ctx)
    const offset = Number(long(r, 'offset'))
    const limit = int(r, 'limit')
    const windowError = getFileWindowError(offset, limit, flag(r, 'precise'))
    if (windowError !== undefined) throw err(400, windowError)
    const loc = obj(r, 'location')
    let file: Located
    if (loc._ === 'inputPhotoFileLocation') file = photoFile(loc, ctx)
    else if (loc._ === 'inputDocumentFileLocation') file = documentFile(loc, ctx)
    else if (loc._ === 'inputPeerPhotoFileLocation') file = peerPhotoFile(loc, ctx)
    else throw err(400, 'LOCATION_INVALID')
    const data = file.bytes()
    const chunk = offset >= data.length ? Buffer.alloc(0) : data.subarray(offset, offset + limit)
    core.collector.served(file.key, file.dcId, chunk.length)
    return {
      _: 'upload.file',
      type: { _: offset === 0 ? file.type : 'storage.filePartial' },
      mtime: core.nowSec(),
      // A view of the world's bytes, never written to: serialized without a copy, copied once when encrypted.
      bytes: chunk,
    }
  }

  return { 'upload.getFile': getFile }
}

/**
 * Builders of the MTProto objects the emulator answers with (users, photos, documents), as one viewer sees them:
 * access hashes are per viewer, file references carry their issue time.
 */
import { Api } from 'telegram'
import { toBigInteger } from '../../spec/long.js'
import type { DcAddress } from '../rpc.js'
import { VIDEO_SIZE, type AudioMeta, type PhotoMeta, type UserMeta, type World } from '../world.js'


/** `user` as `viewer` sees it. */
export function userObject(world: World, viewer: bigint, user: UserMeta, nowSec: number): Api.User {
  const accessHash = toBigInteger(world.accessHash(viewer, user.id))
  if (user.deactivated) return new Api.User({ id: toBigInteger(user.id), accessHash, deleted: true })
  const newest = user.photoCount > 0 ? world.photoAt(user, 0) : undefined
  // one username → `username`; several (collectible ones) → only `usernames`, as Telegram sends them
  const names = user.usernames
  return new Api.User({
    id: toBigInteger(user.id),
    accessHash,
    self: viewer === user.id ? true : undefined,
    firstName: user.firstName,
    lastName: user.lastName,
    username: names.length === 1 ? names[0] : undefined,
    usernames:
      names.length > 1
        ? names.map((username, i) => new Api.Username({ username, active: true, editable: i === 0 ? true : undefined }))
        : undefined,
    phone: viewer === user.id ? user.account?.phone : undefined,
    photo:
      newest !== undefined
        ? new Api.UserProfilePhoto({
            photoId: toBigInteger(newest.id),
            dcId: newest.dcId,
            strippedThumb: world.strippedThumb(newest),
            hasVideo: newest.videoStartTs !== undefined ? true : undefined,
          })
        : undefined,
    status: new Api.UserStatusOffline({ wasOnline: nowSec - 3600 }),
  })
}

/** A profile photo with a file reference issued at `nowSec`. */
export function photoObject(world: World, photo: PhotoMeta, nowSec: number): Api.Photo {
  const sizes: Api.TypePhotoSize[] = [new Api.PhotoStrippedSize({ type: 'i', bytes: world.strippedThumb(photo) })]
  for (const s of photo.sizes) {
    sizes.push(
      s.progressive
        ? new Api.PhotoSizeProgressive({ type: s.type, w: s.w, h: s.h, sizes: world.photoSizeScanEnds(photo, s) })
        : new Api.PhotoSize({ type: s.type, w: s.w, h: s.h, size: world.photoSizeLength(photo, s) }),
    )
  }
  return new Api.Photo({
    id: toBigInteger(photo.id),
    accessHash: toBigInteger(world.fileAccessHash(photo.id)),
    fileReference: world.fileReference(photo.id, nowSec),
    date: photo.date,
    sizes,
    videoSizes:
      photo.videoStartTs !== undefined
        ? [
            new Api.VideoSize({
              type: 'u',
              w: VIDEO_SIZE,
              h: VIDEO_SIZE,
              size: world.videoLength(photo),
              videoStartTs: photo.videoStartTs,
            }),
          ]
        : undefined,
    dcId: photo.dcId,
  })
}

/** A profile audio document with a file reference issued at `nowSec`. */
export function audioObject(world: World, audio: AudioMeta, nowSec: number): Api.Document {
  return new Api.Document({
    id: toBigInteger(audio.id),
    accessHash: toBigInteger(world.fileAccessHash(audio.id)),
    fileReference: world.fileReference(audio.id, nowSec),
    date: audio.date,
    mimeType: 'audio/mpeg',
    size: toBigInteger(BigInt(world.audioLength(audio))),
    dcId: audio.dcId,
    attributes: [
      new Api.DocumentAttributeAudio({ duration: audio.duration, title: audio.title, performer: audio.performer }),
      new Api.DocumentAttributeFilename({ fileName: audio.fileName }),
    ],
  })
}

/**
 * Telegram's hash of a list of ids (https://core.telegram.org/api/offsets#hash-generation), as a signed long:
 * for each id, `h ^= h >> 21; h ^= h << 35; h ^= h >> 4; h += id` on unsigned 64-bit values.
 */
export function idsHash(ids: readonly bigint[]): bigint {
  let h = 0n
  for (const id of ids) {
    h ^= h >> 21n
    h = BigInt.asUintN(64, h ^ (h << 35n))
    h ^= h >> 4n
    h = BigInt.asUintN(64, h + BigInt.asUintN(64, id))
  }
  return BigInt.asIntN(64, h)
}

/** `help.getConfig`'s answer: `dc_options` are the emulated DCs on loopback (with their ports), `this_dc` the asked DC. */
export function configObject(dcId: number, dcs: readonly DcAddress[], nowSec: number): Api.Config {
  return new Api.Config({
    date: nowSec,
    expires: nowSec + 3600,
    testMode: false,
    thisDc: dcId,
    dcOptions: dcs.map((dc) => new Api.DcOption({ id: dc.id, ipAddress: dc.host, port: dc.port })),
    dcTxtDomainName: 'apv3.stel.com',
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: dcId,
  })
}

/**
 * Builders of the MTProto objects the emulator answers with (users, photos, documents), as one viewer sees them:
 * access hashes are per viewer, file references carry their issue time. They are plain TL objects (tl/codec.ts),
 * written in each session's layer; fields a layer's constructor lacks are left out there.
 */
import type { TlObject } from '../tl/codec.js'
import type { DcAddress } from '../rpc.js'
import { VIDEO_SIZE, type AudioMeta, type PhotoMeta, type UserMeta, type World } from '../world.js'

/** `user` as `viewer` sees it. */
export function userObject(world: World, viewer: bigint, user: UserMeta, nowSec: number): TlObject {
  const access_hash = world.accessHash(viewer, user.id)
  if (user.deactivated) return { _: 'user', id: user.id, access_hash, deleted: true }
  const newest = user.photoCount > 0 ? world.photoAt(user, 0) : undefined
  // one username → `username`; several (collectible ones) → only `usernames`, as Telegram sends them
  const names = user.usernames
  return {
    _: 'user',
    id: user.id,
    access_hash,
    self: viewer === user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    username: names.length === 1 ? names[0] : undefined,
    usernames:
      names.length > 1
        ? names.map((username, i) => ({ _: 'username', username, active: true, editable: i === 0 }))
        : undefined,
    phone: viewer === user.id ? user.account?.phone : undefined,
    photo:
      newest !== undefined
        ? {
            _: 'userProfilePhoto',
            photo_id: newest.id,
            dc_id: newest.dcId,
            stripped_thumb: world.strippedThumb(newest),
            has_video: newest.videoStartTs !== undefined,
          }
        : undefined,
    status: { _: 'userStatusOffline', was_online: nowSec - 3600 },
  }
}

/** A profile photo with a file reference issued at `nowSec`. */
export function photoObject(world: World, photo: PhotoMeta, nowSec: number): TlObject {
  const sizes: TlObject[] = [{ _: 'photoStrippedSize', type: 'i', bytes: world.strippedThumb(photo) }]
  for (const s of photo.sizes) {
    sizes.push(
      s.progressive
        ? { _: 'photoSizeProgressive', type: s.type, w: s.w, h: s.h, sizes: world.photoSizeScanEnds(photo, s) }
        : { _: 'photoSize', type: s.type, w: s.w, h: s.h, size: world.photoSizeLength(photo, s) },
    )
  }
  return {
    _: 'photo',
    id: photo.id,
    access_hash: world.fileAccessHash(photo.id),
    file_reference: world.fileReference(photo.id, nowSec),
    date: photo.date,
    sizes,
    video_sizes:
      photo.videoStartTs !== undefined
        ? [
            {
              _: 'videoSize',
              type: 'u',
              w: VIDEO_SIZE,
              h: VIDEO_SIZE,
              size: world.videoLength(photo),
              video_start_ts: photo.videoStartTs,
            },
          ]
        : undefined,
    dc_id: photo.dcId,
  }
}

/** A profile audio document with a file reference issued at `nowSec`. */
export function audioObject(world: World, audio: AudioMeta, nowSec: number): TlObject {
  return {
    _: 'document',
    id: audio.id,
    access_hash: world.fileAccessHash(audio.id),
    file_reference: world.fileReference(audio.id, nowSec),
    date: audio.date,
    mime_type: 'audio/mpeg',
    size: BigInt(world.audioLength(audio)),
    dc_id: audio.dcId,
    attributes: [
      { _: 'documentAttributeAudio', duration: audio.duration, title: audio.title, performer: audio.performer },
      { _: 'documentAttributeFilename', file_name: audio.fileName },
    ],
  }
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
export function configObject(dcId: number, dcs: readonly DcAddress[], nowSec: number): TlObject {
  return {
    _: 'config',
    date: nowSec,
    expires: nowSec + 3600,
    test_mode: false,
    this_dc: dcId,
    dc_options: dcs.map((dc) => ({ _: 'dcOption', id: dc.id, ip_address: dc.host, port: dc.port })),
    dc_txt_domain_name: 'apv3.stel.com',
    chat_size_max: 200,
    megagroup_size_max: 200000,
    forwarded_count_max: 100,
    online_update_period_ms: 210000,
    offline_blur_timeout_ms: 5000,
    offline_idle_timeout_ms: 30000,
    online_cloud_timeout_ms: 300000,
    notify_cloud_delay_ms: 30000,
    notify_default_delay_ms: 1500,
    push_chat_period_ms: 60000,
    push_chat_limit: 2,
    edit_time_limit: 172800,
    revoke_time_limit: 2147483647,
    revoke_pm_time_limit: 2147483647,
    rating_e_decay: 2419200,
    stickers_recent_limit: 200,
    channels_read_media_period: 604800,
    call_receive_timeout_ms: 20000,
    call_ring_timeout_ms: 90000,
    call_connect_timeout_ms: 30000,
    call_packet_timeout_ms: 10000,
    me_url_prefix: 'https://t.me/',
    caption_length_max: 1024,
    message_length_max: 4096,
    webfile_dc_id: dcId,
  }
}

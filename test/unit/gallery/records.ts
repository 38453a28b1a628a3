/** Hand-built manifest records, shaped as the archiver writes them. */
import type { BackRecord, FileRecord, GoneRecord, UserRecord } from '../../../src/archive/types.js'

export function photoFile(userId: number, photoId: string, size: string, date: number, px = 640, extra: Partial<FileRecord> = {}): FileRecord {
  return {
    type: 'file',
    user_id: userId,
    kind: 'photo',
    photo_id: photoId,
    date,
    size,
    width: px,
    height: px,
    file_id: `fid-${photoId}-${size}`,
    file_unique_id: `fuid-${photoId}-${size}`,
    bytes: px * 10,
    sha256: 'ab'.repeat(32),
    path: `${userId}/${photoId}_${size}.jpg`,
    saved_at: date + 100,
    ...extra,
  }
}

export function videoFile(userId: number, photoId: string, size: string, date: number, px = 640): FileRecord {
  return { ...photoFile(userId, photoId, size, date, px), kind: 'video', video_start_ts: 1.5, path: `${userId}/${photoId}_${size}.mp4` }
}

export function mark(type: 'gone' | 'back', userId: number, photoId: string, size: string, at: number): GoneRecord | BackRecord {
  return { type, user_id: userId, kind: 'photo', photo_id: photoId, size, path: `${userId}/${photoId}_${size}.jpg`, noticed_at: at }
}

export function seen(userId: number, username?: string): UserRecord {
  return { type: 'user', user_id: userId, ...(username !== undefined ? { username } : {}), seen_at: 1_800_000_000 }
}

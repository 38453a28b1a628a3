/**
 * Where the mtcute peer contender (`mtcute-child.ts`) writes its files, shared with the parent's byte check: a
 * folder per username, `<photo id>.jpg` for the photo (mtcute's `Photo` is its largest size) and `<photo id>.mp4`
 * for its video avatar.
 */
import { posix } from 'node:path'

/** The folder of a user under the peer's output folder. */
export function peerUserDir(username: string): string {
  return username
}

/** The path of a photo's file under the peer's output folder. */
export function peerFilePath(username: string, photoId: string, video: boolean): string {
  return posix.join(peerUserDir(username), `${photoId}.${video ? 'mp4' : 'jpg'}`)
}

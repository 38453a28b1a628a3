/**
 * A recording stand-in for a GramJS client, for unit tests of validation and paging logic only (the real network
 * tests run against the emulator). It answers the few requests the methods send from a small in-memory account.
 */
import { Api } from 'telegram'
import type { ProfileClient } from '../../../src/client/invoke.js'
import { GetSavedMusic, SavedMusic } from '../../../src/tl/index.js'
import { numberedPhoto, user } from '../botapi/fixtures.js'

/** One request the fake received, with the DC it was sent to. */
export interface Call {
  request: { className: string }
  dcId: number | undefined
}

export interface FakeAccount {
  /** Users the server knows, by lower-cased username. */
  users: Map<string, Api.User>
  /** Number of profile photos of each user id. */
  photoCounts: Map<string, number>
  /** Profile audios of each user id. */
  audios: Map<string, Api.Document[]>
  /** File contents by `${kind}:${id}`. */
  files: Map<string, Buffer>
  /** Errors to throw for the next calls of a className. */
  failNext: Map<string, unknown[]>
  /** Classnames whose requests are never answered (a lost answer). */
  unanswered: Set<string>
}

export class FakeClient implements ProfileClient {
  readonly calls: Call[] = []
  readonly session = { dcId: 2 }
  readonly account: FakeAccount = {
    users: new Map(),
    photoCounts: new Map(),
    audios: new Map(),
    files: new Map(),
    failNext: new Map(),
    unanswered: new Set(),
  }

  /** Adds a user known to the "server" under `username`, with `photos` profile photos. */
  addUser(id: string, accessHash: string, username: string, photos = 0): Api.User {
    const u = user(id, accessHash, username)
    this.account.users.set(username.toLowerCase(), u)
    this.account.photoCounts.set(id, photos)
    return u
  }

  callsOf(className: string): Call[] {
    return this.calls.filter((c) => c.request.className === className)
  }

  async invoke(request: Api.AnyRequest, dcId?: number): Promise<unknown> {
    const req = request as unknown as { className: string }
    this.calls.push({ request: req, dcId })
    const queued = this.account.failNext.get(req.className)
    const failure = queued?.shift()
    if (failure !== undefined) throw failure
    if (this.account.unanswered.has(req.className)) return new Promise<never>(() => undefined)
    if (request instanceof Api.contacts.ResolveUsername) {
      const u = this.account.users.get(request.username.toLowerCase())
      if (u === undefined) throw Object.assign(new Error('USERNAME_NOT_OCCUPIED'), { errorMessage: 'USERNAME_NOT_OCCUPIED', code: 400 })
      return new Api.contacts.ResolvedPeer({ peer: new Api.PeerUser({ userId: u.id }), chats: [], users: [u] })
    }
    if (request instanceof Api.photos.GetUserPhotos) {
      const id = request.userId instanceof Api.InputUser ? request.userId.userId.toString() : 'self'
      const n = this.account.photoCounts.get(id) ?? 0
      const all = Array.from({ length: n }, (_, i) => numberedPhoto(i))
      const page = all.slice(request.offset, request.offset + request.limit)
      const users = [...this.account.users.values()].filter((u) => u.id.toString() === id)
      if (request.offset === 0 && n <= request.limit) return new Api.photos.Photos({ photos: page, users })
      return new Api.photos.PhotosSlice({ count: n, photos: page, users })
    }
    const raw: unknown = request
    if (raw instanceof GetSavedMusic) {
      const input = raw.id
      const id = input instanceof Api.InputUser ? input.userId.toString() : 'self'
      const docs = this.account.audios.get(id) ?? []
      return new SavedMusic({ count: docs.length, documents: docs.slice(raw.offset, raw.offset + raw.limit) })
    }
    if (request instanceof Api.upload.GetFile) {
      const loc = request.location
      const key =
        loc instanceof Api.InputPhotoFileLocation
          ? `photo:${loc.id.toString()}:${loc.thumbSize}`
          : loc instanceof Api.InputDocumentFileLocation
            ? `document:${loc.id.toString()}:${loc.thumbSize}`
            : 'unknown'
      const data = this.account.files.get(key)
      if (data === undefined) throw Object.assign(new Error('FILE_ID_INVALID'), { errorMessage: 'FILE_ID_INVALID', code: 400 })
      const offset = Number(request.offset.toString())
      return new Api.upload.File({
        type: new Api.storage.FileUnknown(),
        mtime: 0,
        bytes: data.subarray(offset, offset + request.limit),
      })
    }
    throw new Error(`FakeClient: unexpected request ${req.className}`)
  }
}

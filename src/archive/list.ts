/**
 * The listing stage: a resolved user's profile photos (each size and video size) and, optionally, profile audios, as
 * the files the plan compares with the manifest. Each listed page becomes one {@link PageReferences}; its file ids
 * and the files the plan sees are made by the same mapping ({@link ListedFile}), so every planned file has an id on
 * its page.
 */
import { Api } from 'telegram'
import { toAudio } from '../botapi/audio.js'
import { parseProfileFileId } from '../botapi/file-id.js'
import type { Audio, PhotoSize, ProfileVideoSize } from '../botapi/types.js'
import type { ProfileClient } from '../client/invoke.js'
import { toBotApiError } from '../errors/index.js'
import { getUserProfileAudiosPage } from '../methods/get-user-profile-audios.js'
import { iterUserProfilePhotos, type ProfilePhotoItem } from '../methods/iter-user-profile-photos.js'
import { SavedMusic, type TypeSavedMusic } from '../tl/index.js'
import type { RunContext, Selection } from './context.js'
import { PageReferences } from './file-source.js'
import { audioFileName, photoFileName, relativePath } from './layout.js'
import { fileKey } from './manifest.js'
import type { PresentIds, RemoteFile } from './plan.js'
import type { FileRecord } from './types.js'
import { MAX_PAGE_LIMIT } from '../spec/limits.js'

/** What saving a listed file needs besides the plan's part. */
export interface Source {
  record: Omit<FileRecord, 'type' | 'bytes' | 'sha256' | 'path' | 'saved_at' | 'adopted'>
  /** The page that listed the file: its latest file id, re-listed once per expiry for every file of the page. */
  page: PageReferences
}

/** A listed file as the plan and the save stage see it. */
export type Remote = RemoteFile<Source>

/** A listed file before its page is known. */
type ListedFile = Omit<Remote, 'source'> & { readonly record: Source['record'] }

/** A resolved user the listing stage is asked about. */
export interface ListedUser {
  /** The user id as Telegram gives it, and as a number for the manifest. */
  readonly idText: string
  readonly uid: number
  readonly inputUser: Api.TypeInputUser
}

/** One user's listing: every selected file, and the ids present on the profile (for gone marks). */
export interface Listing {
  readonly files: Remote[]
  readonly present: PresentIds
}

const PAGE = MAX_PAGE_LIMIT

/** One photo's files: its sizes and its video sizes. */
interface PhotoFiles {
  readonly sizes: ListedFile[]
  readonly videos: ListedFile[]
}

/** Each size of a photo, then each video size (both smallest first, as listed). */
function photoFiles(uid: number, p: ProfilePhotoItem): PhotoFiles {
  return { sizes: p.sizes.map((s) => sizeFile(uid, p, s)), videos: p.video_sizes.map((v) => videoFile(uid, p, v)) }
}

function sizeFile(uid: number, p: ProfilePhotoItem, size: PhotoSize): ListedFile {
  const letter = parseProfileFileId(size.file_id).sizeType ?? ''
  return {
    key: fileKey('photo', p.photo_id, letter),
    kind: 'photo',
    id: p.photo_id,
    path: relativePath(uid, photoFileName(p.photo_id, letter, false)),
    bytes: size.file_size ?? 0,
    record: {
      user_id: uid,
      kind: 'photo',
      photo_id: p.photo_id,
      date: p.date,
      size: letter,
      width: size.width,
      height: size.height,
      file_id: size.file_id,
      file_unique_id: size.file_unique_id,
    },
  }
}

function videoFile(uid: number, p: ProfilePhotoItem, v: ProfileVideoSize): ListedFile {
  return {
    key: fileKey('video', p.photo_id, v.type),
    kind: 'video',
    id: p.photo_id,
    path: relativePath(uid, photoFileName(p.photo_id, v.type, true)),
    bytes: v.file_size ?? 0,
    record: {
      user_id: uid,
      kind: 'video',
      photo_id: p.photo_id,
      date: p.date,
      size: v.type,
      width: v.width,
      height: v.height,
      ...(v.video_start_ts !== undefined ? { video_start_ts: v.video_start_ts } : {}),
      file_id: v.file_id,
      file_unique_id: v.file_unique_id,
    },
  }
}

function audioFile(uid: number, audio: Audio, date: number): ListedFile {
  const documentId = parseProfileFileId(audio.file_id).id.toString()
  return {
    key: fileKey('audio', documentId),
    kind: 'audio',
    id: documentId,
    path: relativePath(uid, audioFileName(documentId, audio.file_name, audio.mime_type)),
    bytes: audio.file_size ?? 0,
    record: {
      user_id: uid,
      kind: 'audio',
      document_id: documentId,
      date,
      duration: audio.duration,
      ...(audio.performer !== undefined ? { performer: audio.performer } : {}),
      ...(audio.title !== undefined ? { title: audio.title } : {}),
      ...(audio.file_name !== undefined ? { file_name: audio.file_name } : {}),
      ...(audio.mime_type !== undefined ? { mime_type: audio.mime_type } : {}),
      file_id: audio.file_id,
      file_unique_id: audio.file_unique_id,
    },
  }
}

/** The file ids of a page, by file key. */
function fileIds(files: readonly ListedFile[]): Map<string, string> {
  const ids = new Map<string, string>()
  for (const f of files) if (f.record.file_id !== undefined) ids.set(f.key, f.record.file_id)
  return ids
}

function onPage(file: ListedFile, page: PageReferences): Remote {
  const { record, ...plan } = file
  return { ...plan, source: { record, page } }
}

/** Every file of the photos of a page (whatever the selection: a re-list refreshes them all). */
function everyFile(photos: readonly PhotoFiles[]): ListedFile[] {
  return photos.flatMap((f) => [...f.sizes, ...f.videos])
}

/** The selected files of one photo: the largest size and video size, or all of them. */
function selectPhotoFiles({ sizes, videos }: PhotoFiles, selection: Selection): ListedFile[] {
  const pick = (files: ListedFile[]): ListedFile[] => (selection.sizes === 'all' ? files : files.slice(-1))
  return [...pick(sizes), ...(selection.videos ? pick(videos) : [])]
}

/** Every photo of the user, ⌈n/100⌉ calls, as files on pages of 100 photos. */
async function listPhotos(ctx: RunContext, user: ListedUser): Promise<Listing> {
  const photos: ProfilePhotoItem[] = []
  for await (const item of iterUserProfilePhotos(ctx.gated, user.idText, { cache: ctx.cache })) photos.push(item)
  ctx.pacer?.heapCheck()
  const files: Remote[] = []
  for (let offset = 0; offset < photos.length; offset += PAGE) {
    // Each photo's files are made once: all of them are the page's file ids, the selected ones are planned.
    const perPhoto = photos.slice(offset, offset + PAGE).map((p) => photoFiles(user.uid, p))
    const page = new PageReferences(fileIds(everyFile(perPhoto)), async () => {
      const again: ProfilePhotoItem[] = []
      for await (const item of iterUserProfilePhotos(ctx.gated, user.idText, { cache: ctx.cache, offset })) {
        if (again.push(item) >= PAGE) break
      }
      return fileIds(everyFile(again.map((p) => photoFiles(user.uid, p))))
    })
    for (const photo of perPhoto) for (const f of selectPhotoFiles(photo, ctx.selection)) files.push(onPage(f, page))
  }
  return { files, present: { photos: new Set(photos.map((p) => p.photo_id)) } }
}

/** One page of profile audios as files, with the total the listing reports. */
async function audioPage(client: ProfileClient, user: ListedUser, offset: number): Promise<{ total: number; files: ListedFile[] }> {
  let page: TypeSavedMusic
  try {
    page = await getUserProfileAudiosPage(client, user.inputUser, { offset, limit: PAGE })
  } catch (error) {
    throw toBotApiError(error, 'getUserProfileAudios')
  }
  const files: ListedFile[] = []
  // The Bot API `Audio` has no date; the manifest keeps the document's.
  for (const document of page instanceof SavedMusic ? page.documents : []) {
    const audio = toAudio(document)
    if (audio !== undefined) files.push(audioFile(user.uid, audio, document instanceof Api.Document ? document.date : 0))
  }
  return { total: page.count, files }
}

/** Every profile audio of the user, ⌈n/100⌉ calls. */
async function listAudios(ctx: RunContext, user: ListedUser): Promise<Remote[]> {
  const files: Remote[] = []
  for (let offset = 0; ; ) {
    const listing = await audioPage(ctx.gated, user, offset)
    const from = offset
    const page = new PageReferences(fileIds(listing.files), async () => fileIds((await audioPage(ctx.gated, user, from)).files))
    for (const f of listing.files) files.push(onPage(f, page))
    offset += listing.files.length
    if (listing.files.length === 0 || offset >= listing.total) break
  }
  return files
}

/** Lists what the run's selection keeps of `user`'s profile. */
export async function listUser(ctx: RunContext, user: ListedUser): Promise<Listing> {
  const photos = await listPhotos(ctx, user)
  if (!ctx.selection.audios) return photos
  const audios = await listAudios(ctx, user)
  return { files: [...photos.files, ...audios], present: { ...photos.present, audios: new Set(audios.map((f) => f.id)) } }
}

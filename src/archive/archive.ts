/**
 * The bulk archiver's runner: lock → sweep partial files → load the manifest → for each user (bounded concurrency,
 * input deduplicated): resolve through the persistent entity cache, list every photo (⌈n/100⌉ calls), plan against
 * the manifest, download what is missing (1 MiB parts on the file's DC), write atomically, then append the record.
 *
 * Every RPC goes through one {@link FloodGate} (GramJS never sleeps on a flood wait by itself: its
 * `floodSleepThreshold` is set to 0 for the run) and through a retry loop for network failures and 5xx answers.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Api } from 'telegram'
import type { Audio, PhotoSize, ProfileVideoSize } from '../botapi/types.js'
import { parseProfileFileId } from '../botapi/file-id.js'
import { toAudio } from '../botapi/audio.js'
import { SavedMusic, type TypeSavedMusic } from '../tl/index.js'
import { getEntityCache, type EntityCache } from '../client/entity-cache.js'
import { forgetGramjsUser } from '../client/session.js'
import type { ProfileClient } from '../client/invoke.js'
import { BotApiError, NetworkError, toBotApiError } from '../errors/index.js'
import { downloadFile } from '../methods/download-file.js'
import { getUserProfileAudiosPage } from '../methods/get-user-profile-audios.js'
import { withFreshFileReference } from '../methods/refresh-file-id.js'
import { iterUserProfilePhotos, type ProfilePhotoItem } from '../methods/iter-user-profile-photos.js'
import { parseUserArgument, type ParsedUser } from '../methods/normalize.js'
import { resolveParsedUser } from '../methods/resolve-user.js'
import { ensureDir, openAtomicFile, sweepPartialFiles } from './atomic-file.js'
import { PageReferences } from './file-source.js'
import { MemoryPacer, gcFunction, keepYoungGenerationSmall } from './memory.js'
import { packetMemory } from './packet-memory.js'
import { systemClock, type Clock } from './clock.js'
import { FloodGate } from './flood-gate.js'
import { floodSeconds, GatedClient, Limit } from './gated-client.js'
import '../client/gramjs-fixes.js'
import { installGramjsSpeedups } from './gramjs-speedups.js'
import { audioFileName, photoFileName, relativePath } from './layout.js'
import { acquireArchiveLock } from './lock.js'
import { Manifest, fileKey } from './manifest.js'
import { parseFileKey, planUser, type RemoteFile } from './plan.js'
import type { ArchiveEvent, ArchiveSummary, BotApiErrorJson, FileKind, FileRecord, UserCounts } from './types.js'

/** Options of {@link archiveProfiles}. */
export interface ArchiveOptions {
  /** The archive folder. Required. */
  out: string
  /** Which photo sizes to keep: the largest of each photo, or every size. Default `largest`. */
  sizes?: 'largest' | 'all'
  /** Keep video avatars (the largest video size, or all with `sizes: 'all'`). Default true. */
  videos?: boolean
  /** Keep profile audios. Default false. */
  audios?: boolean
  /** Users archived at the same time, and downloads in flight at most. Default 8. */
  concurrency?: number
  /** Longest flood wait (seconds) sat out; a longer one stops the run (resumable). Default 300. */
  maxFloodWait?: number
  /** Told about progress. Default: nothing. */
  onEvent?: (event: ArchiveEvent) => void
  /** Time source (flood waits, backoff). Default: the system clock. */
  clock?: Clock
  /** Aborting stops the run after the files in flight (no new user or file is started). */
  signal?: AbortSignal
  /** Entity cache used to resolve users. Default: the one attached to the client. */
  cache?: EntityCache
  /** Retries of one RPC after network errors and 5xx answers. Default 8. */
  maxRetries?: number
  /**
   * An RPC without an answer after this many milliseconds counts as a network failure and is sent again (GramJS can
   * leave a request pending forever when its connection drops at the wrong moment). Default 30000.
   */
  rpcTimeoutMs?: number
  /**
   * Keep the process's memory flat over a long run (see `src/archive/memory.ts`): V8's young generation is kept at its
   * current size (`--semi-space-growth-factor=1`), and a full collection is started, without blocking, when Buffers
   * exceed 16 MiB (looked at every 4 MiB written), instead of V8's own ~64 MiB of dead Buffers. Both are process-wide
   * V8 settings; they cost CPU (about 15% more at 500 users). Also, each user is removed from GramJS's own entity
   * caches once archived (`client._entityCache` and the session's entity rows, which GramJS never empties): the
   * `cache` keeps the user's access hash, but `client.getInputEntity` no longer finds the user without asking
   * Telegram. Set `false` in a host process that tunes V8 itself or relies on those caches, or when CPU matters more
   * than memory. Default true.
   */
  leanMemory?: boolean
}

interface Source {
  record: Omit<FileRecord, 'type' | 'bytes' | 'sha256' | 'path' | 'saved_at' | 'adopted'>
  /** The page that listed the file: its latest file id, re-listed once per expiry for every file of the page. */
  page: PageReferences
}

type Remote = RemoteFile<Source>

const PAGE = 100

/** With `leanMemory`, Buffers are counted after every this many bytes written… */
const LEAN_CHECK_EVERY_BYTES = 4 * 1024 * 1024
/** …and a full collection is started when they exceed this. */
const LEAN_MAX_BUFFERS = 16 * 1024 * 1024

/** The run was stopped by a flood wait above `maxFloodWait`. */
class RunStopped extends Error {}

/** A Bot API error envelope for a failure (network failures become 500s naming the network). */
function errorJson(error: unknown): BotApiErrorJson {
  const e = toBotApiError(error, 'archive')
  if (e instanceof BotApiError) return e.toJSON()
  return { ok: false, error_code: 500, description: `Internal Server Error: network error: ${e.message}` }
}

/** One page (100) of a user's profile audios with their dates (the Bot API `Audio` has none) for the manifest. */
async function audioPage(
  client: ProfileClient,
  inputUser: Api.TypeInputUser,
  offset: number,
): Promise<{ total: number; audios: { audio: Audio; date: number }[] }> {
  let page: TypeSavedMusic
  try {
    page = await getUserProfileAudiosPage(client, inputUser, { offset, limit: PAGE })
  } catch (error) {
    throw toBotApiError(error, 'getUserProfileAudios')
  }
  const audios: { audio: Audio; date: number }[] = []
  if (page instanceof SavedMusic) {
    for (const document of page.documents) {
      const audio = toAudio(document)
      if (audio !== undefined) audios.push({ audio, date: document instanceof Api.Document ? document.date : 0 })
    }
  }
  return { total: page.count, audios }
}

/** Every file of a page of photos (each size, each video size) by file key, with its file id. */
function photoFileIds(photos: readonly ProfilePhotoItem[]): Map<string, string> {
  const ids = new Map<string, string>()
  for (const p of photos) {
    for (const s of p.sizes) ids.set(fileKey('photo', p.photo_id, parseProfileFileId(s.file_id).sizeType ?? ''), s.file_id)
    for (const v of p.video_sizes) ids.set(fileKey('video', p.photo_id, v.type), v.file_id)
  }
  return ids
}

/** Every audio of a page by file key, with its file id. */
function audioFileIds(audios: readonly { audio: Audio }[]): Map<string, string> {
  return new Map(audios.map(({ audio }) => [fileKey('audio', parseProfileFileId(audio.file_id).id.toString()), audio.file_id]))
}

function userKey(parsed: ParsedUser): string {
  if (parsed.kind === 'self') return 'self'
  if (parsed.kind === 'id') return `id:${parsed.id}`
  return `username:${parsed.username.toLowerCase()}`
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path)
    return s.isFile() ? s.size : undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Archives the profile photos (and optionally video avatars and audios) of `users` into `options.out`.
 * Resumable and incremental: a re-run downloads only what is missing, marks what disappeared, and never deletes.
 *
 * @param client a logged-in GramJS `TelegramClient` (its `floodSleepThreshold` is 0 during the run)
 * @param users user references: ids, usernames, @usernames, t.me links; duplicates are archived once
 * @returns the summary (also sent as the last `summary` event); `ok` is false when a user failed or the run stopped
 * @throws ArchiveLockedError when another live run uses `out`
 */
export async function archiveProfiles(
  client: ProfileClient,
  users: AsyncIterable<string> | Iterable<string>,
  options: ArchiveOptions,
): Promise<ArchiveSummary> {
  installGramjsSpeedups()
  const lean = options.leanMemory ?? true
  if (lean) keepYoungGenerationSmall()
  // Released packet memory waiting for reuse is not garbage: only the Buffers beyond it count.
  const pacer = lean
    ? new MemoryPacer(LEAN_CHECK_EVERY_BYTES, LEAN_MAX_BUFFERS, gcFunction(), () => process.memoryUsage().arrayBuffers - packetMemory.freeBytes)
    : undefined
  const clock = options.clock ?? systemClock
  const started = clock.now()
  const out = options.out
  const sizes = options.sizes ?? 'largest'
  const wantVideos = options.videos ?? true
  const wantAudios = options.audios ?? false
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8))
  const maxFloodWait = options.maxFloodWait ?? 300
  const emit = (event: ArchiveEvent): void => options.onEvent?.(event)
  const cache = options.cache ?? getEntityCache(client)
  const signal = options.signal

  const lock = await acquireArchiveLock(out)
  const flood = client as { floodSleepThreshold?: number }
  const savedThreshold = flood.floodSleepThreshold
  if (savedThreshold !== undefined) flood.floodSleepThreshold = 0
  let manifest: Manifest | undefined
  try {
    const swept = await sweepPartialFiles(out)
    manifest = await Manifest.open(out)
    const m = manifest
    const gate = new FloodGate({
      maxWaitSeconds: maxFloodWait,
      floodSeconds,
      clock,
      onWait: (method, seconds) => {
        gated.serialize(method)
        emit({ type: 'flood-wait', method, seconds })
      },
    })
    const gated = new GatedClient(client, gate, {
      clock,
      maxRetries: options.maxRetries ?? 8,
      onRetry: (event) => emit({ type: 'retry', ...event }),
      ...(signal !== undefined ? { signal } : {}),
      timeoutMs: options.rpcTimeoutMs ?? 30_000,
    })
    // upload.getFile requests in flight at most (`concurrency`), and files being saved at most (twice that: the
    // other half are writing, fsyncing and renaming while their successors download).
    const downloads = new Limit(concurrency)
    const saving = new Limit(2 * concurrency)
    const totals = { downloaded: 0, adopted: 0, unchanged: 0, gone: 0, bytes: 0 }
    const userTotals = { done: 0, failed: 0, skipped_duplicates: 0 }
    const seenRefs = new Set<string>()
    const seenIds = new Set<string>()
    const stopped = (): boolean => gate.stopped !== undefined || signal?.aborted === true

    const saveFile = async (file: Remote, counts: { downloaded: number; adopted: number; bytes: number }): Promise<void> => {
      const final = join(out, file.path)
      await ensureDir(dirname(final))
      const src = file.source
      const record = (bytes: number, sha256: string, adopted: boolean): FileRecord => ({
        type: 'file',
        ...src.record,
        bytes,
        sha256,
        path: file.path,
        ...(adopted ? { adopted: true as const } : {}),
        saved_at: Math.floor(clock.now() / 1000),
      })
      // A crash between the rename and the manifest append leaves a complete file without a record: adopt it.
      const onDisk = await sizeOf(final)
      if (onDisk !== undefined) {
        if (onDisk === file.bytes && file.bytes > 0) {
          const sha = await sha256File(final)
          await m.append(record(onDisk, sha, true))
          counts.adopted++
          emit({ type: 'file-saved', user_id: src.record.user_id, path: file.path, bytes: onDisk, adopted: true })
          return
        }
        // Not what Telegram lists (only this tool writes here, under the run lock): replace it.
        await unlink(final)
      }
      // The latest listing's id: another file of the page may have re-listed it since this file was planned.
      const first = src.page.current(file.key)
      if (first === undefined) return // no longer listed: the next run marks it gone
      const saved = await withFreshFileReference(first, async (id) => {
        if (stopped()) throw new RunStopped()
        const target = await openAtomicFile(final)
        const hash = createHash('sha256')
        try {
          // Only the download holds one of the `concurrency` upload.getFile slots; the fsyncs, rename and manifest
          // append that follow run outside it, so the next file's request is sent meanwhile.
          await downloads.run(() => downloadFile(gated, id.fileId, {
            ...(file.bytes > 0 ? { size: file.bytes } : {}),
            onChunk: async (chunk) => {
              hash.update(chunk)
              await target.write(chunk)
              pacer?.done(chunk.length)
              // Written and hashed: the packet it arrived in receives a later part.
              packetMemory.release(chunk)
            },
          }))
          if (file.bytes > 0 && target.bytesWritten !== file.bytes) {
            throw new NetworkError(`short download: ${target.bytesWritten} of ${file.bytes} bytes`)
          }
          await target.commit()
        } catch (error) {
          await target.abort()
          throw error
        }
        return { bytes: target.bytesWritten, sha256: hash.digest('hex') }
      }, (stale) => src.page.refresh(file.key, stale), {
        onRefresh: (attempt) => {
          gated.retries++
          emit({ type: 'retry', method: 'upload.GetFile', attempt, reason: 'FILE_REFERENCE_EXPIRED', delay_ms: 0 })
        },
      })
      if (!saved.listed) return // no longer listed: the next run marks it gone
      const { bytes, sha256 } = saved.value
      await m.append(record(bytes, sha256, false))
      counts.downloaded++
      counts.bytes += bytes
      emit({ type: 'file-saved', user_id: src.record.user_id, path: file.path, bytes, adopted: false })
    }

    const archiveUser = async (ref: string, parsed: ParsedUser): Promise<void> => {
      emit({ type: 'user-start', user: ref })
      let userId: number | undefined
      // The user whose manifest entries this call planned with: released when it ends, done or not (seenIds keeps
      // the run from planning that user again), so the index holds the users in progress, not every user archived.
      let planned: number | undefined
      try {
        const resolved = await resolveParsedUser(gated, parsed, { cache, method: 'archive' })
        const inputUser = resolved.inputUser
        if (resolved.userId === undefined) throw new BotApiError(400, 'Bad Request: user not found', { method: 'archive' })
        const idText = resolved.userId.toString()
        userId = Number(resolved.userId)
        if (seenIds.has(idText)) {
          userTotals.skipped_duplicates++
          return
        }
        seenIds.add(idText)
        const uid = userId
        planned = uid

        // Listing: every photo, ⌈n/100⌉ calls.
        const photos: ProfilePhotoItem[] = []
        for await (const item of iterUserProfilePhotos(gated, idText, { cache })) photos.push(item)
        pacer?.heapCheck()
        // One file source per page of 100 photos (their sizes and video sizes): one re-list per page per expiry.
        const photoPages: PageReferences[] = []
        for (let offset = 0; offset < photos.length; offset += PAGE) {
          photoPages.push(new PageReferences(photoFileIds(photos.slice(offset, offset + PAGE)), async () => {
            const again: ProfilePhotoItem[] = []
            for await (const item of iterUserProfilePhotos(gated, idText, { cache, offset })) {
              if (again.push(item) >= PAGE) break
            }
            return photoFileIds(again)
          }))
        }
        const photoPage = (index: number): PageReferences => photoPages[Math.floor(index / PAGE)] as PageReferences

        const listed: Remote[] = []
        const photoFile = (p: ProfilePhotoItem, size: PhotoSize, page: PageReferences): Remote => {
          const letter = parseProfileFileId(size.file_id).sizeType ?? ''
          const path = relativePath(uid, photoFileName(p.photo_id, letter, false))
          return {
            key: fileKey('photo', p.photo_id, letter),
            kind: 'photo',
            id: p.photo_id,
            path,
            bytes: size.file_size ?? 0,
            source: {
              page,
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
            },
          }
        }
        const videoFile = (p: ProfilePhotoItem, v: ProfileVideoSize, page: PageReferences): Remote => ({
          key: fileKey('video', p.photo_id, v.type),
          kind: 'video',
          id: p.photo_id,
          path: relativePath(uid, photoFileName(p.photo_id, v.type, true)),
          bytes: v.file_size ?? 0,
          source: {
            page,
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
          },
        })
        photos.forEach((p, index) => {
          const page = photoPage(index)
          const chosen = sizes === 'all' ? p.sizes : p.sizes.slice(-1)
          for (const s of chosen) listed.push(photoFile(p, s, page))
          if (wantVideos && p.video_sizes.length > 0) {
            const vids = sizes === 'all' ? p.video_sizes : p.video_sizes.slice(-1)
            for (const v of vids) listed.push(videoFile(p, v, page))
          }
        })

        let audioIds: Set<string> | undefined
        if (wantAudios) {
          audioIds = new Set()
          const audios: { audio: Audio; date: number; page: PageReferences }[] = []
          for (let offset = 0; ; ) {
            const listing = await audioPage(gated, inputUser, offset)
            const from = offset
            const page = new PageReferences(audioFileIds(listing.audios), async () =>
              audioFileIds((await audioPage(gated, inputUser, from)).audios))
            for (const { audio, date } of listing.audios) audios.push({ audio, date, page })
            offset += listing.audios.length
            if (listing.audios.length === 0 || offset >= listing.total) break
          }
          for (const { audio, date, page } of audios) {
            const documentId = parseProfileFileId(audio.file_id).id.toString()
            audioIds.add(documentId)
            listed.push({
              key: fileKey('audio', documentId),
              kind: 'audio',
              id: documentId,
              path: relativePath(uid, audioFileName(documentId, audio.file_name, audio.mime_type)),
              bytes: audio.file_size ?? 0,
              source: {
                page,
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
              },
            })
          }
        }

        const plan = planUser(listed, m.user(uid), {
          photos: new Set(photos.map((p) => p.photo_id)),
          ...(audioIds !== undefined ? { audios: audioIds } : {}),
        })
        const counts = { listed: listed.length, downloaded: 0, adopted: 0, unchanged: 0, gone: 0, bytes: 0 }
        const fetch: Remote[] = [...plan.fetch]
        for (const { file, entry } of plan.verify) {
          const size = await sizeOf(join(out, entry.path))
          if (size === entry.bytes) counts.unchanged++
          else fetch.push(file)
        }
        const now = Math.floor(clock.now() / 1000)
        for (const { key, entry } of plan.gone) {
          const { kind, id, letter } = parseFileKey(key)
          await m.append({ type: 'gone', user_id: uid, kind, ...idField(kind, id), ...(letter !== undefined ? { size: letter } : {}), path: entry.path, noticed_at: now })
          counts.gone++
        }
        for (const { key, entry } of plan.back) {
          const { kind, id, letter } = parseFileKey(key)
          await m.append({ type: 'back', user_id: uid, kind, ...idField(kind, id), ...(letter !== undefined ? { size: letter } : {}), path: entry.path, noticed_at: now })
        }
        const results = await Promise.allSettled(fetch.map((file) => saving.run(() => saveFile(file, counts))))
        for (const r of results) if (r.status === 'rejected') throw r.reason
        totals.downloaded += counts.downloaded
        totals.adopted += counts.adopted
        totals.unchanged += counts.unchanged
        totals.gone += counts.gone
        totals.bytes += counts.bytes
        userTotals.done++
        const done: UserCounts = counts
        emit({ type: 'user-done', user: ref, user_id: uid, counts: done })
      } catch (error) {
        if (error instanceof RunStopped || gate.stopped !== undefined || signal?.aborted === true) throw new RunStopped()
        const json = errorJson(error)
        userTotals.failed++
        await m.append({ type: 'user-failed', user: ref, ...(userId !== undefined ? { user_id: userId } : {}), error: json, at: Math.floor(clock.now() / 1000) })
        emit({ type: 'user-failed', user: ref, ...(userId !== undefined ? { user_id: userId } : {}), error: json })
      } finally {
        if (planned !== undefined) m.release(planned)
        // GramJS's own caches would keep every user met for the whole run; the entity cache keeps the access hash.
        if (lean && userId !== undefined) forgetGramjsUser(client, String(userId))
      }
    }

    // Workers pull references from one shared iterator (async generators queue concurrent next() calls).
    const iterator: AsyncIterator<string> | Iterator<string> =
      Symbol.asyncIterator in users ? users[Symbol.asyncIterator]() : (users as Iterable<string>)[Symbol.iterator]()
    const worker = async (): Promise<void> => {
      for (;;) {
        if (stopped()) return
        const next = await iterator.next()
        if (next.done === true) return
        const ref = next.value.trim()
        if (ref === '') continue
        let parsed: ParsedUser
        try {
          parsed = parseUserArgument(ref)
        } catch (error) {
          const json = errorJson(error)
          userTotals.failed++
          await m.append({ type: 'user-failed', user: ref, error: json, at: Math.floor(clock.now() / 1000) })
          emit({ type: 'user-failed', user: ref, error: json })
          continue
        }
        const key = userKey(parsed)
        if (seenRefs.has(key)) {
          userTotals.skipped_duplicates++
          continue
        }
        seenRefs.add(key)
        try {
          await archiveUser(ref, parsed)
        } catch (error) {
          if (error instanceof RunStopped) return
          throw error
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, () => worker()))
    await cache.flush()

    const stopError = gate.stopped
    const summary: ArchiveSummary = {
      ok: userTotals.failed === 0 && stopError === undefined && signal?.aborted !== true,
      out,
      users: userTotals,
      files: totals,
      rpc: { ...gated.rpc },
      flood_waits: gated.floodWaits(),
      retries: gated.retries,
      swept_partials: swept,
      ...(stopError !== undefined ? { stopped: errorJson(stopError.error) } : {}),
      duration_ms: clock.now() - started,
    }
    emit({ type: 'summary', summary })
    return summary
  } finally {
    if (savedThreshold !== undefined) flood.floodSleepThreshold = savedThreshold
    await manifest?.close()
    await lock.release()
  }
}

function idField(kind: FileKind, id: string): { photo_id: string } | { document_id: string } {
  return kind === 'audio' ? { document_id: id } : { photo_id: id }
}

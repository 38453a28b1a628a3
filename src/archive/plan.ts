/**
 * The incremental diff between what a user's listing offers and what the manifest already holds. Pure: no I/O.
 */
import type { ManifestEntry, UserManifest } from './manifest.js'
import type { FileKind } from './types.js'

/** A file the listing offers, as the plan sees it (the downloader's part, `source`, is opaque here). */
export interface RemoteFile<S = unknown> {
  /** {@link fileKey} of the file. */
  readonly key: string
  readonly kind: FileKind
  /** Photo id or document id. */
  readonly id: string
  /** Path relative to `out`. */
  readonly path: string
  /** Byte length Telegram listed. */
  readonly bytes: number
  /** Whatever downloading it needs. */
  readonly source: S
}

/** Ids that are on the profile right now; `undefined` for a kind that was not listed this run (no judgement). */
export interface PresentIds {
  /** Every photo id listed (all of them, whatever size/video selection was made). */
  readonly photos?: ReadonlySet<string>
  /** Every audio document id listed. */
  readonly audios?: ReadonlySet<string>
}

/** What to do for one user. */
export interface UserPlan<S = unknown> {
  /** Not in the manifest: download (or adopt, if a crash left it complete under its final name). */
  readonly fetch: readonly RemoteFile<S>[]
  /** In the manifest: check the file on disk still has the recorded size. */
  readonly verify: readonly { readonly file: RemoteFile<S>; readonly entry: ManifestEntry }[]
  /** Marked gone before and on the profile again: write a `back` record. */
  readonly back: readonly { readonly key: string; readonly entry: ManifestEntry }[]
  /** In the manifest, not marked gone yet, and no longer on the profile: write a `gone` record (keep the file). */
  readonly gone: readonly { readonly key: string; readonly entry: ManifestEntry }[]
}

/** Splits a file key back into kind, id and size letter. */
export function parseFileKey(key: string): { kind: FileKind; id: string; letter: string | undefined } {
  const [kind, id, letter] = key.split(':')
  if ((kind !== 'photo' && kind !== 'video' && kind !== 'audio') || id === undefined || id === '') {
    throw new TypeError(`invalid file key ${JSON.stringify(key)}`)
  }
  return { kind, id, letter: letter === '' ? undefined : letter }
}

/**
 * Plans one user: what to fetch, what to verify, which gone marks to write or lift.
 * Duplicate keys in `listed` are planned once.
 */
export function planUser<S>(listed: Iterable<RemoteFile<S>>, known: UserManifest, present: PresentIds): UserPlan<S> {
  const fetch: RemoteFile<S>[] = []
  const verify: { file: RemoteFile<S>; entry: ManifestEntry }[] = []
  const seen = new Set<string>()
  for (const file of listed) {
    if (seen.has(file.key)) continue
    seen.add(file.key)
    const entry = known.files.get(file.key)
    if (entry === undefined) {
      fetch.push(file)
      continue
    }
    verify.push({ file, entry })
  }

  const gone: { key: string; entry: ManifestEntry }[] = []
  const back: { key: string; entry: ManifestEntry }[] = []
  for (const [key, entry] of known.files) {
    const { kind, id } = parseFileKey(key)
    const ids = kind === 'audio' ? present.audios : present.photos
    if (ids === undefined) continue
    const wasGone = known.gone.has(key)
    if (ids.has(id)) {
      if (wasGone) back.push({ key, entry })
    } else if (!wasGone) {
      gone.push({ key, entry })
    }
  }
  return { fetch, verify, back, gone }
}

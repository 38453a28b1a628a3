/**
 * The archiver's public shapes: manifest records, progress events, options and the summary.
 * Telegram ids that can exceed 2^53 (photo and document ids) are decimal strings; user ids are numbers, as in the
 * Bot API (at most 52 significant bits).
 */

/** What kind of file an archived file is. */
export type FileKind = 'photo' | 'video' | 'audio'

/** A Bot API error as the Bot API prints it (`ok: false`, code, description, parameters). */
export interface BotApiErrorJson {
  readonly ok: false
  readonly error_code: number
  readonly description: string
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number }
}

/** A file saved under `out` (downloaded, or adopted after a crash between its rename and its record). */
export interface FileRecord {
  readonly type: 'file'
  readonly user_id: number
  readonly kind: FileKind
  /** Photo id (photos and video avatars). */
  readonly photo_id?: string
  /** Document id (audios). */
  readonly document_id?: string
  /** Unix time of the photo / document. */
  readonly date: number
  /** Size letter (`a`, `b`, `c`, `u`, …; photos and videos). */
  readonly size?: string
  readonly width?: number
  readonly height?: number
  /** Seconds (audios). */
  readonly duration?: number
  /** Where the video avatar's still frame is, in seconds (videos). */
  readonly video_start_ts?: number
  readonly performer?: string
  readonly title?: string
  readonly file_name?: string
  readonly mime_type?: string
  /** Byte length of the file on disk (equal to the size Telegram listed). */
  readonly bytes: number
  /** sha256 of the file on disk, hex. */
  readonly sha256: string
  /** Bot API `file_id` (when the Bot API has one for this kind of file). */
  readonly file_id?: string
  /** Bot API `file_unique_id`. */
  readonly file_unique_id?: string
  /** Path relative to `out`, `/`-separated: `<user_id>/<photo_id>_<letter>.jpg` etc. */
  readonly path: string
  /** true when the file was found complete on disk after a crash and adopted instead of downloaded again. */
  readonly adopted?: true
  /** Unix time the record was written. */
  readonly saved_at: number
}

/** An archived file whose photo / audio is no longer on the user's profile. The file stays on disk. */
export interface GoneRecord {
  readonly type: 'gone'
  readonly user_id: number
  readonly kind: FileKind
  readonly photo_id?: string
  readonly document_id?: string
  readonly size?: string
  readonly path: string
  /** Unix time the disappearance was noticed. */
  readonly noticed_at: number
}

/** A file marked gone that is listed again (e.g. a photo hidden and shown again). */
export interface BackRecord {
  readonly type: 'back'
  readonly user_id: number
  readonly kind: FileKind
  readonly photo_id?: string
  readonly document_id?: string
  readonly size?: string
  readonly path: string
  readonly noticed_at: number
}

/** A user that could not be archived this run, with the Bot API error it produced. */
export interface UserFailedRecord {
  readonly type: 'user-failed'
  /** The reference as given (username, @username, link, id). */
  readonly user: string
  /** The numeric id, when resolution got that far. */
  readonly user_id?: number
  readonly error: BotApiErrorJson
  /** Unix time of the failure. */
  readonly at: number
}

/**
 * A user the run archived, with the username it was seen under: written the first time a user is archived and
 * again whenever that username changes, so the manifest alone can name every user (the gallery shows it), even a
 * user without any photo.
 */
export interface UserRecord {
  readonly type: 'user'
  readonly user_id: number
  /** The user's first active username as the entity cache knows it (lower-cased); absent when it knows none. */
  readonly username?: string
  /** Unix time the user was seen. */
  readonly seen_at: number
}

/**
 * A source of users (a chat's members, the contacts) that could not be read this run, with the Bot API error it
 * produced; the rest of the run goes on.
 */
export interface SourceFailedRecord {
  readonly type: 'source-failed'
  /** The source as given: `@chat`, a t.me link, a chat id, or `contacts`. */
  readonly source: string
  readonly error: BotApiErrorJson
  /** Unix time of the failure. */
  readonly at: number
}

/** One line of `manifest.ndjson`. */
export type ManifestRecord = FileRecord | GoneRecord | BackRecord | UserFailedRecord | UserRecord | SourceFailedRecord

/**
 * A user left for a later run: a method it needs is under a flood wait longer than `maxFloodWait`. Kept in
 * `waiting.ndjson` in the archive folder until a run archives (or fails) the user; the next run takes these first.
 */
export interface WaitingUser {
  /** The reference as given (username, @username, link, id). */
  readonly user: string
  /** The numeric id, when resolution got that far. */
  readonly user_id?: number
  /** The method waited for, as MTProto names it (`contacts.resolveUsername`). */
  readonly method: string
  /** Unix time the wait ends. */
  readonly until: number
}

/**
 * A source of users left for a later run: reading it needs a method under a flood wait longer than `maxFloodWait`
 * (a public chat's `contacts.resolveUsername` past the daily quota, say). Kept in `waiting.ndjson` beside the waiting
 * users; the next run reads it first, even when that run names no sources.
 */
export interface WaitingSource {
  /** The chat as given, or `contacts`. */
  readonly source: string
  readonly kind: 'chat' | 'contacts'
  /** The method waited for, as MTProto names it. */
  readonly method: string
  /** Unix time the wait ends. */
  readonly until: number
}

/** Where a run's users come from, besides the references given one by one. */
export interface ArchiveSources {
  /**
   * Chats whose members are archived: `@username`, `username`, a t.me link, or a chat id (Bot API style: `-100…` for
   * supergroups and channels, `-…` for basic groups, or the bare positive id). Found among the account's dialogs
   * first; a public chat the account is not in costs one `contacts.resolveUsername`. Members come with their access
   * hashes: none of them costs a resolve. Default: none.
   */
  readonly chats?: readonly string[]
  /** Archive the account's contacts (`contacts.getContacts`, one call). Default false. */
  readonly contacts?: boolean
}

/** Per-user counts reported in `user-done`. */
export interface UserCounts {
  /** Files the listing offered (after the size/video/audio selection). */
  readonly listed: number
  /** Files downloaded this run. */
  readonly downloaded: number
  /** Files found complete on disk without a record (crash between rename and append) and adopted. */
  readonly adopted: number
  /** Files already archived and verified on disk. */
  readonly unchanged: number
  /** Archived files newly marked gone. */
  readonly gone: number
  /** Bytes downloaded this run. */
  readonly bytes: number
}

/** Progress events, in the order they happen. Never carry secrets. */
export type ArchiveEvent =
  | { readonly type: 'user-start'; readonly user: string }
  | { readonly type: 'user-done'; readonly user: string; readonly user_id: number; readonly counts: UserCounts }
  | {
      /** A user an earlier run of this job archived (see `ArchiveSummary.users.done_before`): not listed again. */
      readonly type: 'user-done-before'
      readonly user: string
      readonly user_id: number
    }
  | {
      readonly type: 'user-failed'
      readonly user: string
      readonly user_id?: number
      readonly error: BotApiErrorJson
    }
  | {
      readonly type: 'file-saved'
      readonly user_id: number
      readonly path: string
      readonly bytes: number
      readonly adopted: boolean
    }
  | {
      /** A user left for a later run (see {@link WaitingUser}); with `wait`, one set aside until the wait ends. */
      readonly type: 'user-waiting'
      readonly user: string
      readonly user_id?: number
      readonly method: string
      readonly until: number
    }
  | {
      /** A source of users is being read: `members` is the count the chat announces (when it does). */
      readonly type: 'source-start'
      readonly source: string
      readonly title?: string
      readonly members?: number
    }
  | { readonly type: 'source-done'; readonly source: string; readonly users: number }
  | { readonly type: 'source-failed'; readonly source: string; readonly error: BotApiErrorJson }
  | {
      /** A source left for a later run (see {@link WaitingSource}); with `wait`, read again once the wait ends. */
      readonly type: 'source-waiting'
      readonly source: string
      readonly method: string
      readonly until: number
    }
  | {
      /** `method` is under a flood wait of `seconds`, until `until` (unix time); the run sits it out. */
      readonly type: 'flood-wait'
      readonly method: string
      readonly seconds: number
      readonly until: number
    }
  | {
      readonly type: 'retry'
      readonly method: string
      readonly attempt: number
      readonly reason: string
      readonly delay_ms: number
    }
  | { readonly type: 'summary'; readonly summary: ArchiveSummary }

/** What a run did. */
export interface ArchiveSummary {
  /**
   * true when every user was archived, no source failed, none is left waiting and the run was not aborted; false
   * leaves a consistent archive that the same run completes when started again.
   */
  readonly complete: boolean
  readonly out: string
  readonly users: {
    readonly done: number
    readonly failed: number
    readonly skipped_duplicates: number
    /**
     * Users an earlier run of the same job archived (a run that left users or sources waiting): not listed again
     * until the job completes.
     */
    readonly done_before: number
    /** Users left for a later run, waiting for a method under a long flood wait (see `waiting`). */
    readonly waiting: number
  }
  readonly files: {
    readonly downloaded: number
    readonly adopted: number
    readonly unchanged: number
    readonly gone: number
    readonly bytes: number
  }
  /** RPCs sent, by GramJS class name (`photos.GetUserPhotos`, `upload.GetFile`, …), retries included. */
  readonly rpc: Readonly<Record<string, number>>
  /** Flood waits received, by method. */
  readonly flood_waits: Readonly<Record<string, number>>
  /** Retries after network errors, expired file references and file migrations. */
  readonly retries: number
  /** Partial downloads of a crashed run that were removed on start. */
  readonly swept_partials: number
  /** Sources that could not be read (each also a `source-failed` record). */
  readonly sources_failed: number
  /**
   * Set when users or sources were left for a later run: how many wait for which method, until when, and the earliest
   * time (ISO 8601, UTC) a run can go on with them. The same run, started again then, takes them first.
   */
  readonly waiting?: {
    readonly users: number
    /** Sources (chats, contacts) left for later: their members are not counted in `users`. */
    readonly sources: number
    readonly methods: Readonly<Record<string, { readonly users: number; readonly sources: number; readonly until: number }>>
    readonly retry_at: string
  }
  /** Wall time of the run in milliseconds. */
  readonly duration_ms: number
}

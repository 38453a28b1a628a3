/**
 * `users.getSavedMusic` and its two replies, from API layer 214.
 *
 * GramJS bundles layer 198, which predates profile audios, so these three TL combinators are written here and
 * registered with GramJS's object table ({@link registerTl}) so that GramJS serializes the request and parses both
 * replies (and the emulator parses the request).
 *
 * ```
 * users.getSavedMusic#788d7fe3 id:InputUser offset:int limit:int hash:long = users.SavedMusic;
 * users.savedMusicNotModified#e3878aa4 count:int = users.SavedMusic;
 * users.savedMusic#34a2f297 count:int documents:Vector<Document> = users.SavedMusic;
 * ```
 *
 * @see https://core.telegram.org/method/users.getSavedMusic
 */
import { crc32 } from 'node:zlib'
import { Api } from 'telegram'
import bigInt from 'big-integer'
import type { BigInteger } from 'big-integer'
import { TL } from '../spec/tl-ids.js'

/** GramJS's `BinaryReader` surface that the readers below use (GramJS types it as `any`). */
export interface TlReader {
  readInt(signed?: boolean): number
  readLong(signed?: boolean): BigInteger
  tgReadObject(): unknown
}


/** Telethon/GramJS convention: a constructor's SUBCLASS_OF_ID is the CRC32 of its result type's name. */
function subclassOf(typeName: string): number {
  return crc32(typeName) >>> 0
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32LE(value, 0)
  return b
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(value >>> 0, 0)
  return b
}

function int64(value: BigInteger): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64LE(BigInt(value.toString()), 0)
  return b
}

function expectVector(reader: TlReader, context: string): number {
  const id = reader.readInt(false)
  if (id !== TL.vector) {
    throw new TypeError(`${context}: expected a Vector, got constructor 0x${id.toString(16)}`)
  }
  return reader.readInt()
}

const SAVED_MUSIC_SUBCLASS = subclassOf('users.SavedMusic')

/** Shared shape of every hand-registered TL constructor, mirroring GramJS's generated classes. */
abstract class TlObject {
  abstract readonly CONSTRUCTOR_ID: number
  abstract readonly SUBCLASS_OF_ID: number
  abstract readonly className: string
  abstract readonly classType: 'constructor' | 'request'
  abstract getBytes(): Buffer
}

/** `users.savedMusicNotModified#e3878aa4 count:int = users.SavedMusic` */
export class SavedMusicNotModified extends TlObject {
  static readonly CONSTRUCTOR_ID = 0xe3878aa4
  static readonly SUBCLASS_OF_ID = SAVED_MUSIC_SUBCLASS
  static readonly className = 'users.SavedMusicNotModified'
  static readonly classType = 'constructor'
  readonly CONSTRUCTOR_ID = SavedMusicNotModified.CONSTRUCTOR_ID
  readonly SUBCLASS_OF_ID = SavedMusicNotModified.SUBCLASS_OF_ID
  readonly className = SavedMusicNotModified.className
  readonly classType = 'constructor' as const
  /** Total number of saved audios of the user. */
  count: number

  constructor(args: { count: number }) {
    super()
    this.count = args.count
  }

  getBytes(): Buffer {
    return Buffer.concat([uint32(this.CONSTRUCTOR_ID), int32(this.count)])
  }

  static fromReader(reader: TlReader): SavedMusicNotModified {
    return new SavedMusicNotModified({ count: reader.readInt() })
  }
}

/** `users.savedMusic#34a2f297 count:int documents:Vector<Document> = users.SavedMusic` */
export class SavedMusic extends TlObject {
  static readonly CONSTRUCTOR_ID = 0x34a2f297
  static readonly SUBCLASS_OF_ID = SAVED_MUSIC_SUBCLASS
  static readonly className = 'users.SavedMusic'
  static readonly classType = 'constructor'
  readonly CONSTRUCTOR_ID = SavedMusic.CONSTRUCTOR_ID
  readonly SUBCLASS_OF_ID = SavedMusic.SUBCLASS_OF_ID
  readonly className = SavedMusic.className
  readonly classType = 'constructor' as const
  /** Total number of saved audios of the user (not the length of this page). */
  count: number
  /** The audio documents of this page. */
  documents: Api.TypeDocument[]

  constructor(args: { count: number; documents: Api.TypeDocument[] }) {
    super()
    this.count = args.count
    this.documents = args.documents
  }

  getBytes(): Buffer {
    return Buffer.concat([
      uint32(this.CONSTRUCTOR_ID),
      int32(this.count),
      uint32(TL.vector),
      int32(this.documents.length),
      ...this.documents.map((d) => d.getBytes()),
    ])
  }

  static fromReader(reader: TlReader): SavedMusic {
    const count = reader.readInt()
    const n = expectVector(reader, 'users.savedMusic.documents')
    const documents: Api.TypeDocument[] = []
    for (let i = 0; i < n; i++) {
      const doc = reader.tgReadObject()
      if (!(doc instanceof Api.Document) && !(doc instanceof Api.DocumentEmpty)) {
        throw new TypeError('users.savedMusic.documents: expected Document')
      }
      documents.push(doc)
    }
    return new SavedMusic({ count, documents })
  }
}

/** `users.SavedMusic`: a page of audios, or "not modified" when the caller's `hash` still matches. */
export type TypeSavedMusic = SavedMusic | SavedMusicNotModified

/** Arguments of {@link GetSavedMusic}. */
export interface GetSavedMusicArgs {
  /** The user whose profile audios to list. GramJS resolves entity-likes to an `InputUser` before sending. */
  id: Api.TypeEntityLike
  /** Number of audios to skip. */
  offset: number
  /** Maximum number of audios to return. */
  limit: number
  /** Hash of the audios the caller already has (`0` for none); see Telegram's "hash generation" docs. */
  hash: BigInteger
}

/** `users.getSavedMusic#788d7fe3 id:InputUser offset:int limit:int hash:long = users.SavedMusic` */
export class GetSavedMusic extends TlObject {
  static readonly CONSTRUCTOR_ID = 0x788d7fe3
  static readonly SUBCLASS_OF_ID = SAVED_MUSIC_SUBCLASS
  static readonly className = 'users.GetSavedMusic'
  static readonly classType = 'request'
  readonly CONSTRUCTOR_ID = GetSavedMusic.CONSTRUCTOR_ID
  readonly SUBCLASS_OF_ID = GetSavedMusic.SUBCLASS_OF_ID
  readonly className = GetSavedMusic.className
  readonly classType = 'request' as const
  id: Api.TypeEntityLike
  offset: number
  limit: number
  hash: BigInteger

  constructor(args: Partial<GetSavedMusicArgs> & Pick<GetSavedMusicArgs, 'id'>) {
    super()
    this.id = args.id
    this.offset = args.offset ?? 0
    this.limit = args.limit ?? 100
    this.hash = args.hash ?? bigInt.zero
  }

  getBytes(): Buffer {
    const id = this.id
    if (typeof id !== 'object' || id === null || !('getBytes' in id) || typeof id.getBytes !== 'function') {
      throw new TypeError('users.getSavedMusic: id must be resolved to an InputUser before serializing')
    }
    return Buffer.concat([uint32(this.CONSTRUCTOR_ID), id.getBytes(), int32(this.offset), int32(this.limit), int64(this.hash)])
  }

  static fromReader(reader: TlReader): GetSavedMusic {
    const id = reader.tgReadObject() as Api.TypeInputUser
    const offset = reader.readInt()
    const limit = reader.readInt()
    const hash = reader.readLong()
    return new GetSavedMusic({ id, offset, limit, hash })
  }

  /** Called by GramJS's `invoke` to parse the `rpc_result` body. */
  readResult(reader: TlReader): TypeSavedMusic {
    const result = reader.tgReadObject()
    if (result instanceof SavedMusic || result instanceof SavedMusicNotModified) return result
    throw new TypeError('users.getSavedMusic: unexpected result type')
  }

  /** Called by GramJS's `invoke`: turns an entity-like `id` into an `InputUser`, as generated classes do. */
  async resolve(client: { getInputEntity(peer: Api.TypeEntityLike): Promise<Api.TypeInputPeer> }, utils: { getInputUser(entity: unknown): Api.TypeInputUser }): Promise<void> {
    const id = this.id
    if (isTlInputUser(id)) return
    this.id = utils.getInputUser(await client.getInputEntity(id))
  }

  toJSON(): Record<string, unknown> {
    return { className: this.className, id: this.id, offset: this.offset, limit: this.limit, hash: this.hash.toString() }
  }
}

function isTlInputUser(value: unknown): value is Api.TypeInputUser {
  return (
    value instanceof Api.InputUser ||
    value instanceof Api.InputUserSelf ||
    value instanceof Api.InputUserEmpty ||
    value instanceof Api.InputUserFromMessage
  )
}

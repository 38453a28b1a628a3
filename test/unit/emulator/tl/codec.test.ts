import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import bigInt from 'big-integer'
import { Api } from 'telegram'
import { LAYER } from 'telegram/tl/AllTLObjects.js'
import { TlReadError, TlReader, TlWriteError, readObject, writeObject } from '../../../../src/emulator/tl/codec.js'
import { COMPAT_SCHEMA } from '../../../../src/emulator/tl/compat-schema.js'
import { parseTlText } from '../../../../src/emulator/tl/schema.js'
import { GRAMJS_LAYER, layerView, servedLayers, servesLayer } from '../../../../src/emulator/tl/schemas.js'

const require = createRequire(import.meta.url)
/** mtcute's compatibility reader, compiled from its compat schema (read as text: the package does not export it). */
const compatReader = readFileSync(join(dirname(require.resolve('@mtcute/core')), 'tl', 'compat', 'reader.js'), 'utf8')

const camel = (s: string): string => s.replace(/_([a-zA-Z])/g, (_m, c: string) => c.toUpperCase())

/** The fields one function of mtcute's compiled reader reads, in order, with the flag each depends on. */
function readerFields(id: number): { name: string; flag: string | undefined }[] | undefined {
  const at = compatReader.indexOf(`\n  ${id}: function(r) {`)
  if (at < 0) return undefined
  const body = compatReader.slice(compatReader.indexOf('return {', at), compatReader.indexOf('};', at))
  const out: { name: string; flag: string | undefined }[] = []
  for (const m of body.matchAll(/(\w+): (?:!!\((flags\d?) & (\d+)\)|(flags\d?) & (\d+) \?|r\.)/g)) {
    const field = m[2] ?? m[4]
    out.push({ name: m[1]!, flag: field === undefined ? undefined : `${field}&${m[3] ?? m[5]}` })
  }
  return out
}

describe('TL schemas', () => {
  it('serves every layer from GramJS’s bundled one to the newest schema shipped', () => {
    expect(GRAMJS_LAYER).toBe(LAYER)
    expect(servedLayers()).toEqual({ min: 198, max: 227 })
    expect([197, 198, 212, 227, 228].map(servesLayer)).toEqual([false, true, true, true, false])
    expect(() => layerView(197)).toThrow(RangeError)
  })

  it.each([
    [198, 0x4b46c37e, 0x4d975bbc],
    [199, 0x020b1422, 0xd2234ea0],
    [200, 0x020b1422, 0x99e78045],
    [208, 0x020b1422, 0x99e78045],
    [209, 0x020b1422, 0x29de80be],
    [210, 0x020b1422, 0x7e63ce1f],
    [213, 0x020b1422, 0xc577b5ad],
    [215, 0x020b1422, 0xa02bc13e],
    [216, 0x31774388, 0xa02bc13e],
    [222, 0x31774388, 0xa02bc13e],
    [223, 0x31774388, 0x06cbe645],
    [227, 0x31774388, 0x06cbe645],
  ])('at layer %i writes the user and userFull constructors %i and %i', (layer, user, userFull) => {
    const view = layerView(layer)
    expect([view.ctor('user')!.id, view.ctor('userFull')!.id]).toEqual([user, userFull])
  })

  it('gives a name a layer does not know yet its newest constructor', () => {
    expect(layerView(198).ctor('users.savedMusic')!.id).toBe(layerView(227).ctor('users.savedMusic')!.id)
  })

  it('vendors each retired constructor exactly as mtcute’s compiled compatibility reader reads it', () => {
    for (const ctor of parseTlText(COMPAT_SCHEMA)) {
      const fields = readerFields(ctor.id)
      expect([ctor.name, fields]).not.toEqual([ctor.name, undefined])
      expect(compatReader).toContain(`_: "${ctor.name}"`)
      const expected = ctor.params
        .filter((p) => p.type.kind !== '#')
        .map((p) => ({ name: camel(p.name), flag: p.flag === undefined ? undefined : `${p.flag.field}&${1 << p.flag.bit}` }))
      expect([ctor.name, fields]).toEqual([ctor.name, expected])
    }
  })

  it('misses no retired constructor of the types the emulator sends', () => {
    const vendored = new Set(parseTlText(COMPAT_SCHEMA).map((c) => c.name))
    const chats = ['chat', 'chatForbidden', 'channel', 'channelForbidden', 'chatFull', 'channelFull', 'chatParticipants']
    const members = ['chatParticipant', 'chatParticipantAdmin', 'chatParticipantCreator', 'channelParticipant']
    const members2 = ['channelParticipantSelf', 'channelParticipantAdmin', 'channelParticipantCreator']
    const dialogs = ['dialog', 'messageService', 'messageActionChatCreate', 'messageActionChannelCreate', 'contact']
    for (const base of ['user', 'userFull', 'photo', 'photoSize', 'document', 'config', 'userProfilePhoto', ...chats, ...members, ...members2, ...dialogs]) {
      const retired = [...compatReader.matchAll(new RegExp(`_: "(${base}_layer\\d+)"`, 'g'))].map((m) => m[1]!)
      // retired at or before the oldest layer served: no session is ever answered with it
      const served = retired.filter((name) => Number(/_layer(\d+)$/.exec(name)![1]) > GRAMJS_LAYER)
      for (const name of served) expect(vendored.has(name) ? name : `missing ${name}`).toBe(name)
    }
  })
})

describe('TL codec', () => {
  const view = layerView(GRAMJS_LAYER)
  const photo = new Api.Photo({
    id: bigInt('6917529027641081857'),
    accessHash: bigInt(-12345),
    fileReference: randomBytes(17),
    date: 1_700_000_000,
    sizes: [
      new Api.PhotoStrippedSize({ type: 'i', bytes: randomBytes(40) }),
      new Api.PhotoSize({ type: 'a', w: 160, h: 160, size: 9000 }),
      new Api.PhotoSizeProgressive({ type: 'c', w: 640, h: 640, sizes: [100, 2000, 30000] }),
    ],
    videoSizes: [new Api.VideoSize({ type: 'u', w: 640, h: 640, size: 400000, videoStartTs: 1.5 })],
    dcId: 4,
  })
  const user = new Api.User({
    id: bigInt(777000),
    accessHash: bigInt('-9000000000000000000'),
    self: true,
    firstName: 'Ann ✓',
    usernames: [new Api.Username({ username: 'ann', active: true, editable: true })],
    photo: new Api.UserProfilePhoto({ photoId: bigInt(9), dcId: 2, strippedThumb: Buffer.from([1, 2, 3]), hasVideo: true }),
    status: new Api.UserStatusOffline({ wasOnline: 5 }),
  })

  it.each([
    ['a user', user],
    ['photos.photosSlice', new Api.photos.PhotosSlice({ count: 300, photos: [photo, new Api.PhotoEmpty({ id: bigInt(1) })], users: [user] })],
    ['upload.file', new Api.upload.File({ type: new Api.storage.FileJpeg(), mtime: 3, bytes: randomBytes(5000) })],
    ['a query in its wrappers', new Api.InvokeWithLayer({ layer: 198, query: new Api.photos.GetUserPhotos({ userId: new Api.InputUserSelf(), offset: 1, maxId: bigInt(-1), limit: 100 }) })],
  ])('reads and writes %s byte for byte as GramJS does at its layer', (_what, obj) => {
    const bytes = obj.getBytes()
    expect(writeObject(view, readObject(bytes)).equals(bytes)).toBe(true)
  })

  it('reads fields by their schema names and types, leaving out flags and absent fields', () => {
    const o = readObject(user.getBytes())
    expect(o).toEqual({
      _: 'user',
      self: true,
      id: 777000n,
      access_hash: -9000000000000000000n,
      first_name: 'Ann ✓',
      photo: { _: 'userProfilePhoto', has_video: true, photo_id: 9n, stripped_thumb: Buffer.from([1, 2, 3]), dc_id: 2 },
      status: { _: 'userStatusOffline', was_online: 5 },
      usernames: [{ _: 'username', editable: true, active: true, username: 'ann' }],
    })
  })

  it('refuses to write a missing required field, a field no constructor has, and a value of the wrong type', () => {
    expect(() => writeObject(view, { _: 'userStatusOffline' })).toThrow(TlWriteError)
    expect(() => writeObject(view, { _: 'userStatusOffline', was_online: 1, wasOnline: 1 })).toThrow(/wasOnline/)
    expect(() => writeObject(view, { _: 'userStatusOffline', was_online: 1n })).toThrow(/was_online: expected int/)
    expect(() => writeObject(view, { _: 'user', id: 1n, photo: { _: 'userStatusEmpty' } })).toThrow(/UserProfilePhoto/)
    expect(() => writeObject(view, { _: 'noSuchThing' })).toThrow(/no constructor noSuchThing/)
  })

  it('refuses truncated bytes and unknown constructors', () => {
    const bytes = user.getBytes()
    expect(() => readObject(bytes.subarray(0, bytes.length - 3))).toThrow(TlReadError)
    expect(() => new TlReader(Buffer.from('78563412', 'hex')).object()).toThrow(/unknown constructor 0x12345678/)
  })

  it('writes a field a newer constructor has and an older one lacks only where the layer has it', () => {
    const full = { _: 'userFull', id: 1n, settings: { _: 'peerSettings' }, notify_settings: { _: 'peerNotifySettings' }, common_chats_count: 0, note: { _: 'textWithEntities', text: 'hi', entities: [] } }
    const newest = writeObject(layerView(227), full)
    const oldest = writeObject(layerView(198), full)
    expect(newest.includes(Buffer.from('hi'))).toBe(true)
    expect(oldest.includes(Buffer.from('hi'))).toBe(false)
    expect(new Api.UserFull({ id: bigInt(1), settings: new Api.PeerSettings({}), notifySettings: new Api.PeerNotifySettings({}), commonChatsCount: 0 }).getBytes().equals(oldest)).toBe(true)
  })
})

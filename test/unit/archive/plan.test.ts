import { fileKey, type ManifestEntry, type UserManifest } from '../../../src/archive/manifest.js'
import { parseFileKey, planUser, type RemoteFile } from '../../../src/archive/plan.js'

function remote(kind: 'photo' | 'video' | 'audio', id: string, letter?: string): RemoteFile<string> {
  const key = fileKey(kind, id, letter)
  return { key, kind, id, path: `42/${key}`, bytes: 100, source: `src:${key}` }
}

function manifest(files: string[], gone: string[] = []): UserManifest {
  return {
    files: new Map(files.map((k): [string, ManifestEntry] => [k, { bytes: 100, path: `42/${k}`, sha256: 'x' }])),
    gone: new Set(gone),
  }
}

describe('planUser', () => {
  it('fetches everything on a first run', () => {
    const listed = [remote('photo', '3', 'c'), remote('video', '3', 'u'), remote('photo', '2', 'c')]
    const plan = planUser(listed, manifest([]), { photos: new Set(['3', '2']) })
    expect(plan.fetch.map((f) => f.key)).toEqual(['photo:3:c', 'video:3:u', 'photo:2:c'])
    expect(plan.verify).toEqual([])
    expect(plan.gone).toEqual([])
    expect(plan.back).toEqual([])
  })

  it('fetches only what is new on a second run and verifies the rest', () => {
    const listed = [remote('photo', '4', 'c'), remote('photo', '3', 'c'), remote('photo', '2', 'c')]
    const plan = planUser(listed, manifest(['photo:3:c', 'photo:2:c']), { photos: new Set(['4', '3', '2']) })
    expect(plan.fetch.map((f) => f.key)).toEqual(['photo:4:c'])
    expect(plan.verify.map((v) => [v.file.key, v.entry.path])).toEqual([
      ['photo:3:c', '42/photo:3:c'],
      ['photo:2:c', '42/photo:2:c'],
    ])
  })

  it('marks files of photos that disappeared as gone, once', () => {
    const listed = [remote('photo', '3', 'c')]
    const known = manifest(['photo:3:c', 'photo:2:c', 'photo:2:a', 'video:2:u', 'photo:1:c'], ['photo:1:c'])
    const plan = planUser(listed, known, { photos: new Set(['3']) })
    expect(plan.gone.map((g) => g.key)).toEqual(['photo:2:c', 'photo:2:a', 'video:2:u'])
    expect(plan.fetch).toEqual([])
  })

  it('does not mark sizes or videos left out by the selection as gone', () => {
    // Photo 3 is still on the profile; this run only asks for its largest size and no videos.
    const plan = planUser([remote('photo', '3', 'c')], manifest(['photo:3:c', 'photo:3:a', 'video:3:u']), {
      photos: new Set(['3']),
    })
    expect(plan.gone).toEqual([])
  })

  it('judges audios only when audios were listed', () => {
    const known = manifest(['photo:3:c', 'audio:77'])
    expect(planUser([remote('photo', '3', 'c')], known, { photos: new Set(['3']) }).gone).toEqual([])
    expect(
      planUser([remote('photo', '3', 'c')], known, { photos: new Set(['3']), audios: new Set() }).gone.map((g) => g.key),
    ).toEqual(['audio:77'])
    expect(planUser([], known, {}).gone).toEqual([])
  })

  it('lifts the gone mark of a photo that is back', () => {
    const known = manifest(['photo:3:c', 'photo:2:c'], ['photo:2:c'])
    const plan = planUser([remote('photo', '3', 'c'), remote('photo', '2', 'c')], known, { photos: new Set(['3', '2']) })
    expect(plan.back.map((b) => b.key)).toEqual(['photo:2:c'])
    expect(plan.gone).toEqual([])
    expect(plan.fetch).toEqual([])
  })

  it('plans a duplicated listing entry once', () => {
    const plan = planUser([remote('photo', '3', 'c'), remote('photo', '3', 'c')], manifest([]), {
      photos: new Set(['3']),
    })
    expect(plan.fetch.map((f) => f.source)).toEqual(['src:photo:3:c'])
  })
})

describe('parseFileKey', () => {
  it('splits keys', () => {
    expect(parseFileKey('photo:5:c')).toEqual({ kind: 'photo', id: '5', letter: 'c' })
    expect(parseFileKey('audio:-9')).toEqual({ kind: 'audio', id: '-9', letter: undefined })
    expect(() => parseFileKey('file:1')).toThrow('invalid file key "file:1"')
  })
})

import { GalleryModel, compareIds } from '../../../src/gallery/model.js'
import { mark, photoFile, seen, videoFile } from './records.js'

function model(records: unknown[]): GalleryModel {
  const m = new GalleryModel()
  for (const r of records) m.add(r)
  return m
}

describe('GalleryModel', () => {
  it('orders a user timeline newest first, by date then by photo id', () => {
    const [user] = model([
      photoFile(7, '100', 'c', 1_000),
      photoFile(7, '300', 'c', 3_000),
      photoFile(7, '200', 'c', 2_000),
      photoFile(7, '99999999999999999999', 'c', 2_000),
    ]).users()
    expect(user!.photos.map((p) => p.photoId)).toEqual(['300', '99999999999999999999', '200', '100'])
    expect(user!.latest).toBe(3_000)
  })

  it('groups the sizes and video sizes of one photo, smallest first', () => {
    const [user] = model([
      photoFile(7, '1', 'c', 1_000, 640),
      photoFile(7, '1', 'a', 1_000, 160),
      videoFile(7, '1', 'u', 1_000, 720),
      photoFile(7, '1', 'b', 1_000, 320),
      videoFile(7, '1', 'p', 1_000, 160),
    ]).users()
    const [photo] = user!.photos
    expect(photo!.sizes.map((s) => s.size)).toEqual(['a', 'b', 'c'])
    expect(photo!.videos.map((v) => v.size)).toEqual(['p', 'u'])
    expect(photo!.sizes[0]).toEqual({
      path: '7/1_a.jpg', size: 'a', width: 160, height: 160, bytes: 1600, fileId: 'fid-1-a', fileUniqueId: 'fuid-1-a',
    })
  })

  it('marks a photo gone, back, and present again once a new file record arrives', () => {
    const users = model([
      photoFile(7, '1', 'c', 1_000),
      photoFile(7, '2', 'c', 2_000),
      photoFile(7, '3', 'c', 3_000),
      mark('gone', 7, '1', 'c', 5_000),
      mark('gone', 7, '2', 'c', 5_000),
      mark('back', 7, '2', 'c', 6_000),
      mark('gone', 7, '3', 'c', 5_000),
      photoFile(7, '3', 'c', 3_000),
    ]).users()
    const states = users[0]!.photos.map((p) => [p.photoId, p.state, p.markedAt])
    expect(states).toEqual([
      ['3', 'present', undefined],
      ['2', 'back', 6_000],
      ['1', 'gone', 5_000],
    ])
  })

  it('counts a photo as gone when any of its archived files is gone', () => {
    const [user] = model([photoFile(7, '1', 'a', 1_000, 160), photoFile(7, '1', 'c', 1_000), mark('gone', 7, '1', 'a', 9)]).users()
    expect(user!.photos[0]!.state).toBe('gone')
  })

  it('names users by their last user record, and lists a user without photos only when recorded', () => {
    const users = model([
      seen(5, 'old_name'),
      photoFile(9, '1', 'c', 1_000),
      seen(5, 'new_name'),
      seen(3),
      { type: 'gone', user_id: 4, kind: 'photo', photo_id: '1', size: 'c', path: '4/1_c.jpg', noticed_at: 1 },
    ]).users()
    expect(users.map((u) => [u.id, u.username, u.photos.length])).toEqual([
      [3, undefined, 0],
      [5, 'new_name', 0],
      [9, undefined, 1],
    ])
  })

  it('ignores user-failed records, foreign lines and paths the archiver never writes', () => {
    const users = model([
      { type: 'user-failed', user: '@x', user_id: 8, error: { ok: false, error_code: 400, description: 'x' }, at: 1 },
      'not an object',
      null,
      { type: 'file', user_id: 'x' },
      photoFile(6, '1', 'c', 1_000, 640, { path: '../../etc/passwd' }),
      photoFile(6, '2', 'c', 1_000, 640, { path: 'javascript:alert(1)' }),
      photoFile(6, '3', 'c', 1_000, 640, { path: '/abs/3_c.jpg' }),
    ]).users()
    expect(users).toEqual([])
  })

  it('lists a user archive\'s audios newest first with their gone state', () => {
    const audio = (id: string, date: number): Record<string, unknown> => ({
      type: 'file', user_id: 7, kind: 'audio', document_id: id, date, title: `t${id}`, performer: 'p', mime_type: 'audio/mpeg',
      bytes: 10, sha256: 'ab', path: `7/${id}.mp3`, saved_at: 1,
    })
    const [user] = model([
      audio('1', 10),
      audio('2', 20),
      { type: 'gone', user_id: 7, kind: 'audio', document_id: '1', path: '7/1.mp3', noticed_at: 30 },
    ]).users()
    expect(user!.audios.map((a) => [a.documentId, a.title, a.state])).toEqual([
      ['2', 't2', 'present'],
      ['1', 't1', 'gone'],
    ])
    expect(user!.photos).toEqual([])
  })
})

describe('compareIds', () => {
  it('orders decimal ids beyond 2^53 numerically', () => {
    expect(['10', '9', '18446744073709551615', '18446744073709551614'].sort(compareIds)).toEqual([
      '9', '10', '18446744073709551614', '18446744073709551615',
    ])
  })
})

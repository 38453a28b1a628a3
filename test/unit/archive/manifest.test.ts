import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Manifest, fileKey } from '../../../src/archive/manifest.js'
import type { FileRecord, GoneRecord, ManifestRecord } from '../../../src/archive/types.js'

let out: string
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'tgp-manifest-'))
})
afterEach(async () => {
  await rm(out, { recursive: true, force: true })
})

function photo(userId: number, photoId: string, size: string, bytes: number): FileRecord {
  return {
    type: 'file',
    user_id: userId,
    kind: 'photo',
    photo_id: photoId,
    date: 1_700_000_000,
    size,
    width: 640,
    height: 640,
    bytes,
    sha256: 'ab'.repeat(32),
    file_id: 'AgACAgIAAxkBAAI',
    file_unique_id: 'AQADAgAT',
    path: `${userId}/${photoId}_${size}.jpg`,
    saved_at: 1_700_000_100,
  }
}

async function lines(): Promise<string[]> {
  return (await readFile(join(out, 'manifest.ndjson'), 'utf8')).split('\n')
}

describe('Manifest', () => {
  it('creates manifest.ndjson and appends one JSON record per line', async () => {
    const m = await Manifest.open(out)
    expect(m.loadStats).toEqual({ records: 0, tornBytes: 0, ignoredLines: 0 })
    await m.append(photo(42, '7', 'c', 1000))
    await m.append({
      type: 'user-failed',
      user: '@ghost',
      error: { ok: false, error_code: 400, description: 'Bad Request: user not found' },
      at: 1_700_000_200,
    })
    await m.close()
    expect(await lines()).toEqual([
      JSON.stringify(photo(42, '7', 'c', 1000)),
      '{"type":"user-failed","user":"@ghost","error":{"ok":false,"error_code":400,' +
        '"description":"Bad Request: user not found"},"at":1700000200}',
      '',
    ])
  })

  it('indexes records by user and file key, in memory and after reopening', async () => {
    const m = await Manifest.open(out)
    expect(m.user(42).files.size).toBe(0)
    await Promise.all([m.append(photo(42, '7', 'c', 1000)), m.append(photo(42, '8', 'c', 2000))])
    await m.append(photo(43, '9', 'a', 300))
    expect(m.user(42).files.get(fileKey('photo', '8', 'c'))).toEqual({ bytes: 2000, path: '42/8_c.jpg', sha256: 'ab'.repeat(32) })
    await m.close()

    const again = await Manifest.open(out)
    expect(again.loadStats).toEqual({ records: 3, tornBytes: 0, ignoredLines: 0 })
    expect([...again.user(42).files.keys()]).toEqual(['photo:7:c', 'photo:8:c'])
    expect([...again.user(43).files.keys()]).toEqual(['photo:9:a'])
    expect(again.user(44).files.size).toBe(0)
    await again.close()
  })

  it('releases a user from the in-memory index and keeps the user\'s records in the file', async () => {
    const m = await Manifest.open(out)
    await Promise.all([m.append(photo(42, '7', 'c', 1000)), m.append(photo(42, '8', 'c', 2000)), m.append(photo(43, '9', 'a', 300))])
    expect(m.indexed).toEqual({ users: 2, files: 3 })
    m.release(42)
    expect(m.indexed).toEqual({ users: 1, files: 1 })
    expect(m.user(42).files.size).toBe(0)
    expect([...m.user(43).files.keys()]).toEqual(['photo:9:a'])
    await m.close()

    const again = await Manifest.open(out)
    expect(again.indexed).toEqual({ users: 2, files: 3 })
    expect([...again.user(42).files.keys()]).toEqual(['photo:7:c', 'photo:8:c'])
    await again.close()
  })

  it('tracks gone and back marks', async () => {
    const m = await Manifest.open(out)
    await m.append(photo(42, '7', 'c', 1000))
    const gone: GoneRecord = {
      type: 'gone',
      user_id: 42,
      kind: 'photo',
      photo_id: '7',
      size: 'c',
      path: '42/7_c.jpg',
      noticed_at: 1_700_000_300,
    }
    await m.append(gone)
    expect([...m.user(42).gone]).toEqual(['photo:7:c'])
    await m.close()
    const reopened = await Manifest.open(out)
    expect([...reopened.user(42).gone]).toEqual(['photo:7:c'])
    await reopened.append({ ...gone, type: 'back', noticed_at: 1_700_000_400 })
    expect([...reopened.user(42).gone]).toEqual([])
    expect(reopened.user(42).files.has('photo:7:c')).toBe(true)
    await reopened.close()
  })

  it('keeps the last user record of each user, in memory and after reopening', async () => {
    const m = await Manifest.open(out)
    expect(m.user(42).seen).toBeUndefined()
    await m.append({ type: 'user', user_id: 42, username: 'old', seen_at: 1 })
    await m.append({ type: 'user', user_id: 42, username: 'new', seen_at: 2 })
    await m.append({ type: 'user', user_id: 43, seen_at: 2 })
    expect(m.user(42).seen).toEqual({ username: 'new' })
    await m.close()
    const m2 = await Manifest.open(out)
    expect(m2.loadStats).toEqual({ records: 3, tornBytes: 0, ignoredLines: 0 })
    expect(m2.user(42).seen).toEqual({ username: 'new' })
    expect(m2.user(43).seen).toEqual({})
    expect(m2.user(42).files.size).toBe(0)
    await m2.close()
  })

  it('cuts a torn last line on open and appends cleanly after it', async () => {
    const whole = `${JSON.stringify(photo(42, '7', 'c', 1000))}\n`
    const torn = JSON.stringify(photo(42, '8', 'c', 2000)).slice(0, 37)
    await writeFile(join(out, 'manifest.ndjson'), whole + torn)
    const m = await Manifest.open(out)
    expect(m.loadStats).toEqual({ records: 1, tornBytes: 37, ignoredLines: 0 })
    expect([...m.user(42).files.keys()]).toEqual(['photo:7:c'])
    await m.append(photo(42, '9', 'c', 3000))
    await m.close()
    expect(await lines()).toEqual([
      JSON.stringify(photo(42, '7', 'c', 1000)),
      JSON.stringify(photo(42, '9', 'c', 3000)),
      '',
    ])
  })

  it('treats a file without any newline as one torn line', async () => {
    await writeFile(join(out, 'manifest.ndjson'), '{"type":"file","user_')
    const m = await Manifest.open(out)
    expect(m.loadStats).toEqual({ records: 0, tornBytes: 21, ignoredLines: 0 })
    await m.close()
    expect(await readFile(join(out, 'manifest.ndjson'), 'utf8')).toBe('')
  })

  it('finds the last newline across read chunks in a large manifest', async () => {
    const record = `${JSON.stringify(photo(42, '1', 'c', 1))}\n`
    const count = Math.ceil((200 * 1024) / record.length)
    await writeFile(join(out, 'manifest.ndjson'), record.repeat(count) + 'x'.repeat(70 * 1024))
    const m = await Manifest.open(out)
    expect(m.loadStats).toEqual({ records: count, tornBytes: 70 * 1024, ignoredLines: 0 })
    await m.close()
  })

  it('skips complete lines that are not records, counting them', async () => {
    const good = JSON.stringify(photo(42, '7', 'c', 1000))
    await writeFile(
      join(out, 'manifest.ndjson'),
      [good, 'not json', '{"type":"file"}', '[1,2]', '', '{"type":"mystery","user_id":1}', good, ''].join('\n'),
    )
    const m = await Manifest.open(out)
    expect(m.loadStats).toEqual({ records: 2, tornBytes: 0, ignoredLines: 4 })
    await m.close()
  })

  it('group-commits concurrent appends and keeps every record whole', async () => {
    const m = await Manifest.open(out)
    const records: ManifestRecord[] = Array.from({ length: 200 }, (_, i) => photo(42, String(i + 1), 'c', i + 1))
    await Promise.all(records.map((r) => m.append(r)))
    await m.close()
    const written = (await lines()).filter((l) => l !== '').map((l) => JSON.parse(l) as FileRecord)
    expect(written.map((r) => r.photo_id).sort((a, b) => Number(a) - Number(b))).toEqual(
      records.map((r) => (r as FileRecord).photo_id),
    )
  })

  it('refuses appends after close', async () => {
    const m = await Manifest.open(out)
    await m.close()
    await expect(m.append(photo(1, '1', 'c', 1))).rejects.toThrow('manifest is closed')
  })

  it('keeps appending to a manifest written by an earlier run', async () => {
    const m = await Manifest.open(out)
    await m.append(photo(42, '7', 'c', 1000))
    await m.close()
    await appendFile(join(out, 'manifest.ndjson'), '')
    const m2 = await Manifest.open(out)
    await m2.append(photo(42, '8', 'c', 1000))
    await m2.close()
    expect((await lines()).length).toBe(3)
  })
})

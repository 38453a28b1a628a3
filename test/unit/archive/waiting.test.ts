import { mkdtemp, readFile, rm, stat, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WaitingList } from '../../../src/archive/waiting.js'

describe('WaitingList', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-waiting-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const file = (): string => join(dir, 'waiting.ndjson')

  it('keeps each waiting user on disk as it is added, so a killed run loses none', async () => {
    const list = await WaitingList.open(dir)
    await list.add({ user: '@a', method: 'contacts.resolveUsername', until: 100 })
    await list.add({ user: '@b', user_id: 7, method: 'upload.getFile', until: 200 })
    await list.done('@a')
    // read back without closing: what a run killed now leaves behind
    const again = await WaitingList.open(dir)
    expect(again.entries()).toEqual([{ user: '@b', user_id: 7, method: 'upload.getFile', until: 200 }])
    await list.close()
  })

  it('rewrites the file with the users still waiting at the end, and removes it when none is', async () => {
    const list = await WaitingList.open(dir)
    await list.add({ user: '@a', method: 'm', until: 1 })
    await list.add({ user: '@b', method: 'm', until: 2 })
    await list.done('@a')
    await list.close()
    expect(await readFile(file(), 'utf8')).toBe('{"user":"@b","method":"m","until":2}\n')
    const next = await WaitingList.open(dir)
    expect(next.has('@b')).toBe(true)
    await next.done('@b')
    await next.close()
    await expect(stat(file())).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('ignores a torn last line and lines it does not know', async () => {
    await writeFile(file(), '{"user":"@a","method":"m","until":5}\nnot json\n{"user":"@c"}\n')
    await appendFile(file(), '{"user":"@b","method":"m","unt')
    const list = await WaitingList.open(dir)
    expect(list.entries()).toEqual([{ user: '@a', method: 'm', until: 5 }])
    expect(list.size).toBe(1)
    await list.close()
  })

  it('writes nothing for a user that did not wait', async () => {
    const list = await WaitingList.open(dir)
    await list.done('@nobody')
    await list.close()
    await expect(stat(file())).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('keeps a waiting source apart from a waiting user of the same name, each on disk as it changes', async () => {
    const list = await WaitingList.open(dir)
    await list.add({ source: '@x', kind: 'chat', method: 'contacts.resolveUsername', until: 9 })
    await list.add({ user: '@x', method: 'contacts.resolveUsername', until: 8 })
    await list.add({ source: 'contacts', kind: 'contacts', method: 'contacts.getContacts', until: 7 })
    await list.sourceDone('contacts')
    const again = await WaitingList.open(dir)
    expect(again.sources()).toEqual([{ source: '@x', kind: 'chat', method: 'contacts.resolveUsername', until: 9 }])
    expect(again.entries()).toEqual([{ user: '@x', method: 'contacts.resolveUsername', until: 8 }])
    expect(again.size).toBe(1)
    await list.done('@x')
    await list.close()
    expect(await readFile(file(), 'utf8')).toBe('{"source":"@x","kind":"chat","method":"contacts.resolveUsername","until":9}\n')
  })

  it('ignores a source line of an unknown kind', async () => {
    await writeFile(file(), '{"source":"@x","kind":"planet","method":"m","until":5}\n{"source":"@y","kind":"chat","method":"m","until":6}\n')
    const list = await WaitingList.open(dir)
    expect(list.sources()).toEqual([{ source: '@y', kind: 'chat', method: 'm', until: 6 }])
    await list.close()
  })

  it('sums up what waits by method, with the earliest time to run again', async () => {
    const list = await WaitingList.open(dir)
    expect(list.summary()).toBeUndefined()
    await list.add({ user: '@a', method: 'contacts.resolveUsername', until: 2_000_000_000 })
    await list.add({ user: '@b', method: 'contacts.resolveUsername', until: 2_000_000_100 })
    await list.add({ source: '@x', kind: 'chat', method: 'contacts.resolveUsername', until: 2_000_000_050 })
    await list.add({ source: 'contacts', kind: 'contacts', method: 'contacts.getContacts', until: 1_999_999_000 })
    expect(list.summary()).toEqual({
      users: 2,
      sources: 2,
      methods: {
        'contacts.resolveUsername': { users: 2, sources: 1, until: 2_000_000_100 },
        'contacts.getContacts': { users: 0, sources: 1, until: 1_999_999_000 },
      },
      retry_at: new Date(1_999_999_000 * 1000).toISOString(),
    })
    await list.close()
  })

  it('keeps the users the job archived while something waits, and forgets them when the job is over', async () => {
    const list = await WaitingList.open(dir)
    list.archived(12)
    list.archived(5)
    await list.add({ user: '@w', method: 'contacts.resolveUsername', until: 9 })
    // not yet "earlier": this run archived them
    expect(list.archivedByEarlierRun(12)).toBe(false)
    await list.close()
    expect(await readFile(file(), 'utf8')).toBe('{"user":"@w","method":"contacts.resolveUsername","until":9}\n{"archived":[5,12]}\n')
    const next = await WaitingList.open(dir)
    expect(next.archivedByEarlierRun(12)).toBe(true)
    expect(next.archivedByEarlierRun(7)).toBe(false)
    next.archived(7)
    await next.close()
    const third = await WaitingList.open(dir)
    expect([5, 7, 12].map((id) => third.archivedByEarlierRun(id))).toEqual([true, true, true])
    await third.done('@w')
    await third.close()
    await expect(stat(file())).rejects.toMatchObject({ code: 'ENOENT' })
    expect((await WaitingList.open(dir)).archivedByEarlierRun(12)).toBe(false)
  })

  it('takes only whole ids from the archived line', async () => {
    await writeFile(file(), '{"user":"@w","method":"m","until":1}\n{"archived":[3,"4",5.5,null,6]}\n')
    const list = await WaitingList.open(dir)
    expect([3, 4, 6].map((id) => list.archivedByEarlierRun(id))).toEqual([true, false, true])
    await list.close()
  })
})

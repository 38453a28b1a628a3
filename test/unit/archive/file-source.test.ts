import { PageReferences } from '../../../src/archive/file-source.js'

/** A page of `keys` whose listing `n` (0 = the first) hands out the file id `key@n`; counts its listings. */
function fakePage(keys: string[]): { listings: number; list: () => Promise<Map<string, string>>; first: Map<string, string> } {
  const page = {
    listings: 0,
    first: new Map(keys.map((k) => [k, `${k}@0`])),
    list: async (): Promise<Map<string, string>> => {
      const n = ++page.listings
      await new Promise((r) => setImmediate(r))
      return new Map(keys.map((k) => [k, `${k}@${n}`]))
    },
  }
  return page
}

describe('PageReferences', () => {
  const keys = Array.from({ length: 100 }, (_, i) => `photo:${i}:c`)

  it('hands out the first listing until a reference expires', () => {
    const fake = fakePage(keys)
    const refs = new PageReferences(fake.first, fake.list)
    expect(refs.current('photo:7:c')).toEqual({ fileId: 'photo:7:c@0', generation: 0 })
    expect(refs.current('photo:999:c')).toBeUndefined()
    expect(fake.listings).toBe(0)
  })

  it('lists the page once when all its files notice the same expiry together', async () => {
    const fake = fakePage(keys)
    const refs = new PageReferences(fake.first, fake.list)
    const stale = keys.map((k) => refs.current(k)!)
    const fresh = await Promise.all(keys.map((k, i) => refs.refresh(k, stale[i]!)))
    expect(fake.listings).toBe(1)
    expect(refs.relisted).toBe(1)
    expect(fresh.map((f) => f?.fileId)).toEqual(keys.map((k) => `${k}@1`))
    expect(fresh.every((f) => f?.generation === 1)).toBe(true)
  })

  it('makes no listing for a file that notices an expiry the page was already re-listed for', async () => {
    const fake = fakePage(keys)
    const refs = new PageReferences(fake.first, fake.list)
    const a = refs.current('photo:1:c')!
    const b = refs.current('photo:2:c')!
    await refs.refresh('photo:1:c', a)
    expect(await refs.refresh('photo:2:c', b)).toEqual({ fileId: 'photo:2:c@1', generation: 1 })
    expect(fake.listings).toBe(1)
  })

  it('lists again for the next expiry', async () => {
    const fake = fakePage(keys)
    const refs = new PageReferences(fake.first, fake.list)
    const first = await refs.refresh('photo:1:c', refs.current('photo:1:c')!)
    const second = await refs.refresh('photo:1:c', first!)
    expect(second).toEqual({ fileId: 'photo:1:c@2', generation: 2 })
    expect(fake.listings).toBe(2)
  })

  it('answers undefined for a file the new listing no longer has', async () => {
    const fake = fakePage(keys)
    const refs = new PageReferences(fake.first, async () => new Map([['photo:1:c', 'photo:1:c@1']]))
    expect(await refs.refresh('photo:2:c', refs.current('photo:2:c')!)).toBeUndefined()
    expect(refs.current('photo:1:c')).toEqual({ fileId: 'photo:1:c@1', generation: 1 })
  })

  it('fails every file waiting on a failed listing, and lists again on the next refresh', async () => {
    let calls = 0
    const refs = new PageReferences(new Map([['audio:1', 'a@0'], ['audio:2', 'b@0']]), async () => {
      if (++calls === 1) throw new Error('network error')
      return new Map([['audio:1', 'a@1'], ['audio:2', 'b@1']])
    })
    const s1 = refs.current('audio:1')!
    const s2 = refs.current('audio:2')!
    const both = await Promise.allSettled([refs.refresh('audio:1', s1), refs.refresh('audio:2', s2)])
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(calls).toBe(1)
    expect(refs.current('audio:1')).toEqual({ fileId: 'a@0', generation: 0 })
    expect(await refs.refresh('audio:1', s1)).toEqual({ fileId: 'a@1', generation: 1 })
    expect(calls).toBe(2)
  })

  it('does not keep a listing that fails before its first await', async () => {
    let calls = 0
    const refs = new PageReferences(new Map([['audio:1', 'a@0']]), () => {
      if (++calls === 1) throw new Error('synchronous failure')
      return Promise.resolve(new Map([['audio:1', 'a@1']]))
    })
    const stale = refs.current('audio:1')!
    await expect(refs.refresh('audio:1', stale)).rejects.toThrow('synchronous failure')
    expect(await refs.refresh('audio:1', stale)).toEqual({ fileId: 'a@1', generation: 1 })
  })
})

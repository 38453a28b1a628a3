import { createWorld } from '../../../src/emulator/world.js'
import { benchUsers } from '../../../scripts/bench/world-users.js'

describe('benchUsers', () => {
  const world = createWorld({ seed: 7, users: 20 })

  it('gives every ordinary user with a username by its first username and skips the rest', () => {
    const { reachable, skippedWithoutUsername } = benchUsers(world)
    const ordinary = world.users.filter((u) => u.account === undefined)
    const named = ordinary.filter((u) => u.usernames.length > 0)
    expect(reachable.map((u) => u.username)).toEqual(named.map((u) => u.usernames[0]))
    expect(skippedWithoutUsername).toBe(ordinary.length - named.length)
    expect(reachable.every((u) => u.resolve)).toBe(true)
  })

  it('selects the largest size of each photo plus its video avatar by default', () => {
    const { reachable } = benchUsers(world)
    for (const u of reachable) {
      const meta = world.userById(u.userId)!
      let expected = 0
      for (let p = 0; p < meta.photoCount; p++) expected += world.photoAt(meta, p).videoStartTs !== undefined ? 2 : 1
      expect(u.fileSizes).toHaveLength(expected)
      expect(u.photoCount).toBe(meta.photoCount)
      expect(u.audioCount).toBeUndefined()
    }
    const withPhotos = reachable.find((u) => u.photoCount > 0)!
    const first = world.photoAt(world.userById(withPhotos.userId)!, 0)
    expect(withPhotos.fileSizes[0]).toBe(world.photoSizeLength(first, first.sizes[first.sizes.length - 1]!))
  })

  it('takes every size and the audios when asked', () => {
    const { reachable } = benchUsers(world, { sizes: 'all', videos: false, audios: true })
    for (const u of reachable) {
      const meta = world.userById(u.userId)!
      expect(u.fileSizes).toHaveLength(meta.photoCount * 3 + meta.audioCount)
      expect(u.audioCount).toBe(meta.audioCount)
    }
  })
})

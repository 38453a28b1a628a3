import { createWorld } from '../../../../src/emulator/world.js'

describe('the world’s chats', () => {
  const world = createWorld({ seed: 7, users: 2500 })
  const [tess, tess2fa] = world.users.filter((u) => u.account !== undefined)
  const byKey = (username: string) => world.chatByUsername(username)!

  it('has basic groups, supergroups and channels, some with thousands of members', () => {
    expect(world.chats.map((c) => [c.kind, c.title, c.username, world.memberCount(c), c.membersHidden])).toEqual([
      ['group', 'Tess & friends', undefined, 12, false],
      ['supergroup', 'Emulator lounge', 'emulator_lounge', 2000, false],
      ['supergroup', 'Five hundred', 'emulator_five_hundred', 500, false],
      ['channel', 'Emulator news', 'emulator_news', 2501, false],
      ['channel', 'Tess broadcasts', undefined, 300, false],
      ['supergroup', 'Quiet room', 'emulator_quiet_room', 800, true],
      ['supergroup', 'Closed circle', undefined, 150, false],
      ['supergroup', 'Open square', 'emulator_open_square', 250, false],
      ['group', 'Elsewhere', undefined, 8, false],
    ])
  })

  it('lists every member once, test accounts first, all of them world users', () => {
    for (const chat of world.chats) {
      const members = world.members(chat)
      expect(members).toHaveLength(world.memberCount(chat))
      expect(new Set(members.map((u) => u.id)).size).toBe(members.length)
      for (const u of members) expect(world.userById(u.id)).toBe(u)
      const accounts = members.filter((u) => u.account !== undefined)
      expect(members.slice(0, accounts.length)).toEqual(accounts)
    }
  })

  it('gives the test accounts their roles', () => {
    const roles = world.chats.map((c) => [world.roleOf(c, tess!), world.roleOf(c, tess2fa!)])
    expect(roles).toEqual([
      ['creator', 'member'],
      ['admin', 'member'],
      ['member', undefined],
      ['member', undefined],
      ['creator', undefined],
      ['member', undefined],
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ])
  })

  it('has exactly one creator per chat, listed first among the admins', () => {
    for (const chat of world.chats) {
      const truth = world.chatToFile(chat)
      const creators = truth.members.filter((_, p) => world.memberAt(chat, p).role === 'creator')
      expect(creators).toHaveLength(1)
      expect(truth.admins[0]).toBe(creators[0])
    }
  })

  it('lists members newest joined first, after the chat was created', () => {
    const chat = byKey('emulator_lounge')
    const dates = Array.from({ length: world.memberCount(chat) }, (_, p) => world.memberAt(chat, p).date)
    for (let p = 1; p < dates.length; p++) expect(dates[p]).toBeLessThan(dates[p - 1]!)
    expect(dates[dates.length - 1]).toBeGreaterThan(chat.date)
    expect(dates[0]).toBeLessThan(world.now)
  })

  it('finds chats by id and by username, whatever the case', () => {
    const chat = byKey('Emulator_Lounge')
    expect(world.chatById(chat.id)).toBe(chat)
    expect(world.chatByUsername('emulator_tester')).toBeUndefined()
    expect(world.userByUsername('emulator_lounge')).toBeUndefined()
  })

  it('gives each viewer its own channel access hash', () => {
    const chat = byKey('emulator_lounge')
    expect(world.channelAccessHash(tess!.id, chat.id)).not.toBe(world.channelAccessHash(tess2fa!.id, chat.id))
    expect(world.channelAccessHash(tess!.id, chat.id)).toBe(world.channelAccessHash(tess!.id, chat.id))
  })

  it('gives the test accounts contacts, none deactivated, each other among them', () => {
    const contacts = world.contactsOf(tess!)
    expect(contacts.length).toBeGreaterThan(5)
    for (const c of contacts) expect(world.users[c.userIndex]!.deactivated).toBe(false)
    expect(contacts.map((c) => c.userIndex)).toContain(tess2fa!.index)
    expect(world.contactsOf(world.users[0]!)).toEqual([])
  })

  it('gives the test accounts dialogs: their chats, then contacts, newest first', () => {
    const dialogs = world.dialogsOf(tess!)
    const chats = dialogs.filter((d) => d.peer.kind === 'chat')
    expect(chats).toHaveLength(6)
    expect(dialogs).toHaveLength(6 + Math.min(10, world.contactsOf(tess!).length))
    for (let i = 1; i < dialogs.length; i++) expect(dialogs[i]!.date).toBeLessThan(dialogs[i - 1]!.date)
  })

  it('is the same world for the same seed', () => {
    const again = createWorld({ seed: 7, users: 2500 })
    expect(again.chats).toEqual(world.chats)
    expect(again.chatToFile(again.chats[3]!)).toEqual(world.chatToFile(world.chats[3]!))
  })

  it('scales chats down to the users a small world has', () => {
    const small = createWorld({ seed: 7, users: 0 })
    expect(small.chats.map((c) => small.memberCount(c))).toEqual([2, 2, 1, 1, 1, 1, 0, 0, 0])
  })
})

describe('PortSafeStringSession', () => {
  it('saves and restores a port above 32767, which GramJS StringSession cannot save', async () => {
    const { AuthKey } = await import('telegram/crypto/AuthKey.js')
    const { StringSession } = await import('telegram/sessions/index.js')
    const { PortSafeStringSession } = await import('../../../src/gramjs/session.js')
    const key = new AuthKey()
    await key.setKey(Buffer.alloc(256, 7))
    const plain = new StringSession('')
    plain.setDC(2, '127.0.0.1', 40267)
    plain.setAuthKey(key)
    expect(() => plain.save()).toThrow('out of range')

    const safe = new PortSafeStringSession('')
    safe.setDC(2, '127.0.0.1', 40267)
    safe.setAuthKey(key)
    const saved = safe.save()
    const back = new PortSafeStringSession(saved)
    expect(back.port).toBe(40267)
    expect(back.dcId).toBe(2)
    expect(back.serverAddress).toBe('127.0.0.1')
    expect(safe.port).toBe(40267)
  })

  it('encodes ports up to 32767 exactly as GramJS does', async () => {
    const { AuthKey } = await import('telegram/crypto/AuthKey.js')
    const { StringSession } = await import('telegram/sessions/index.js')
    const { PortSafeStringSession } = await import('../../../src/gramjs/session.js')
    const key = new AuthKey()
    await key.setKey(Buffer.alloc(256, 9))
    const plain = new StringSession('')
    const safe = new PortSafeStringSession('')
    for (const s of [plain, safe]) {
      s.setDC(4, '149.154.167.91', 443)
      s.setAuthKey(key)
    }
    expect(safe.save()).toBe(plain.save())
    expect(new PortSafeStringSession(plain.save()).port).toBe(443)
  })
  it('keeps one entity row per peer, the newest, however many answers carried it', async () => {
    const { Api } = await import('telegram')
    const bigInt = (await import('big-integer')).default
    const { PortSafeStringSession } = await import('../../../src/gramjs/session.js')
    const session = new PortSafeStringSession('')
    const user = (id: number, username: string): InstanceType<typeof Api.User> =>
      new Api.User({ id: bigInt(id), accessHash: bigInt(id * 7), username, firstName: username })
    for (let i = 0; i < 5; i++) session.processEntities({ users: [user(10, 'old_name'), user(11, `other${i}`)] })
    session.processEntities({ users: [user(10, 'new_name')] })
    const rows = [...(session as unknown as { _entities: Set<unknown[]> })._entities]
    expect(rows.map((r) => [String(r[0]), r[2]])).toEqual([
      ['11', 'other4'],
      ['10', 'new_name'],
    ])
    const input = await session.getInputEntity('new_name')
    expect(String((input as InstanceType<typeof Api.InputPeerUser>).userId)).toBe('10')
  })

  it("forgetGramjsUser drops a user from the client's GramJS entity cache and from the session rows, plain or port-safe", async () => {
    const { Api } = await import('telegram')
    const bigInt = (await import('big-integer')).default
    const { EntityCache } = await import('telegram/entityCache.js')
    const { StringSession } = await import('telegram/sessions/index.js')
    const { PortSafeStringSession, forgetGramjsUser } = await import('../../../src/gramjs/session.js')
    const user = (id: number): InstanceType<typeof Api.User> =>
      new Api.User({ id: bigInt(id), accessHash: bigInt(id * 7), username: `member_${id}`, firstName: 'x' })
    for (const session of [new StringSession(''), new PortSafeStringSession('')]) {
      const client = { _entityCache: new EntityCache(), session }
      for (let i = 0; i < 3; i++) {
        const answer = { users: [user(10), user(11)] }
        session.processEntities(answer)
        client._entityCache.add(answer)
      }
      forgetGramjsUser(client, '10')
      const rows = [...(session as unknown as { _entities: Set<unknown[]> })._entities]
      expect(new Set(rows.map((r) => String(r[0])))).toEqual(new Set(['11']))
      expect([...(client._entityCache as unknown as { cacheMap: Map<string, unknown> }).cacheMap.keys()]).toEqual(['11'])
      expect(() => session.getInputEntity('member_10')).toThrow('Could not find input entity')
      expect(String(((await session.getInputEntity('member_11')) as InstanceType<typeof Api.InputPeerUser>).userId)).toBe('11')
      // Forgetting a user met again later: the new rows are kept.
      session.processEntities({ users: [user(10)] })
      expect(String(((await session.getInputEntity('member_10')) as InstanceType<typeof Api.InputPeerUser>).userId)).toBe('10')
      forgetGramjsUser(client, '12')
    }
  })
})

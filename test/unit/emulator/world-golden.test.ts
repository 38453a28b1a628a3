/**
 * Golden values of the seeded world: ids, names, hashes, file references and the sha256 of rendered files and of the
 * world file, for fixed seeds. Clients, the benchmark and saved world files rely on a seed always giving the same
 * world, so any change here is a change of the world itself and needs to be deliberate.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWorld } from '../../../src/emulator/world.js'

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
/** JSON with bigints kept distinguishable from numbers and strings. */
const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))

describe('the world of seed 2 with 3 users', () => {
  const world = createWorld({ seed: 2, users: 3 })

  it('derives its secret from the seed', () => {
    expect(world.secret.toString('hex')).toBe('b4274b0ed8c924256ccbe859ce13f35a119aade4e4379a43ca3c71dc6f151672')
  })

  it('has these users and test accounts', () => {
    expect(
      world.users.map((u) => [u.id.toString(), u.firstName, u.lastName, u.usernames, u.photoCount, u.audioCount, u.account?.phone]),
    ).toEqual([
      ['65820011707', 'Hiro', 'Ivanova', ['hiro_quiet102', 'hiro_cobalt731', 'hiro_delta52'], 0, 0, undefined],
      ['47179206030', 'Sami', 'Ivanova', ['sami_pixel789', 'sami_sun358', 'sami_fjord520'], 1, 0, undefined],
      ['173701289874', 'Fatima', undefined, [], 7, 0, undefined],
      ['706059428480', 'Tess', undefined, ['emulator_tester'], 1, 0, '9996611002'],
      ['663338079470', 'Tess (2FA)', undefined, ['emulator_tester_2fa'], 1, 0, '9996612113'],
      ['989369107817', 'Tess (Premium)', undefined, ['emulator_tester_premium'], 1, 0, '9996613224'],
    ])
  })

  it('exports this ground truth', () => {
    const truth = world.toFile()
    // the users' part, pinned on its own: seeding chats changes no user
    expect(sha256(JSON.stringify({ version: truth.version, seed: truth.seed, users: truth.users }))).toBe(
      '81f3f3abd2a33a6243ffc5d7dca3d3130be8a9002155b9afaf752ae5930c4a31',
    )
    expect(sha256(JSON.stringify(truth))).toBe('75170b9f4b6ba18361ac2056ac1fb1b640285e5e2a4cf87fbb1280c726d9bf33')
  })

  it('has these chats, scaled down to its three users', () => {
    expect(world.chats.map((c) => [c.id.toString(), c.kind, c.username, world.memberCount(c)])).toEqual([
      ['218835702792', 'group', undefined, 5],
      ['911008916603', 'supergroup', 'emulator_lounge', 5],
      ['766772245603', 'supergroup', 'emulator_five_hundred', 4],
      ['175959783242', 'channel', 'emulator_news', 4],
      ['762540184871', 'channel', undefined, 4],
      ['475508670010', 'supergroup', 'emulator_quiet_room', 4],
      ['796989009189', 'supergroup', undefined, 3],
      ['705904281250', 'supergroup', 'emulator_open_square', 3],
      ['667479870489', 'group', undefined, 3],
    ])
    expect(world.chatToFile(world.chats[1]!).members).toEqual([706059428480, 663338079470, 65820011707, 47179206030, 173701289874])
    expect(world.toFile().contacts).toEqual([
      { account: 706059428480, users: [65820011707, 47179206030, 663338079470, 989369107817] },
      { account: 663338079470, users: [706059428480, 989369107817] },
      { account: 989369107817, users: [706059428480, 663338079470] },
    ])
  })

  it('writes this world file, byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgp-golden-'))
    try {
      await world.writeWorldFile(join(dir, 'world.json'))
      expect(sha256(await readFile(join(dir, 'world.json')))).toBe(
        '99aad05c566ca910a311f6493c01b210b5dcb91f26a5c5ceb1e15f4486357d4d',
      )
    } finally {
      await rm(dir, { recursive: true })
    }
  })
})

describe('the world of seed 11 with 60 users', () => {
  const world = createWorld({ seed: 11, users: 60 })
  const big = world.users.find((u) => u.photoCount > 100)!
  const photos = Array.from({ length: big.photoCount }, (_, p) => world.photoAt(big, p))
  const newest = photos[0]!
  const owner = world.users.find((u) => u.audioCount > 0)!
  const audio = world.audio(owner, 0)

  it('derives the same users, photos and audios', () => {
    const meta = world.users.map((u) => ({
      u,
      photos: Array.from({ length: u.photoCount }, (_, p) => world.photoAt(u, p)),
      audios: Array.from({ length: u.audioCount }, (_, k) => world.audio(u, k)),
    }))
    expect(sha256(json(meta))).toBe('f48f9b16891904b9917d17fb9959e3063b57bf069924207773cd03717e69f676')
    expect(newest).toEqual({
      id: 5764607523101343925n,
      ownerIndex: 4,
      seq: 181,
      date: 1759911188,
      dcId: 4,
      variant: 2,
      sizes: [
        { type: 'a', w: 160, h: 160, progressive: false },
        { type: 'b', w: 320, h: 320, progressive: false },
        { type: 'c', w: 640, h: 640, progressive: true },
      ],
      videoStartTs: 0.1,
    })
    expect(audio).toEqual({
      id: 6917529027758522368n,
      ownerIndex: 7,
      seq: 0,
      date: 1759994227,
      dcId: 5,
      duration: 35,
      performer: 'Padding Oracle',
      title: 'cobalt lumen',
      fileName: 'Padding Oracle - cobalt lumen.mp3',
    })
  })

  it('derives the same access hashes and file references', () => {
    const [u0, u1] = world.users
    expect(world.accessHash(u0!.id, u1!.id)).toBe(-1650608595500934089n)
    expect(world.fileAccessHash(newest.id)).toBe(-6994023748775926064n)
    expect(world.fileReference(newest.id, 1_700_000_000).toString('hex')).toBe('016553f100b6d28e4a0682062504fa4b4a')
  })

  it('renders the same files', () => {
    expect(sha256(world.strippedThumb(newest))).toBe('6d999edab84fad2a30d44fbf4071616f5dbf9be3dd944943c8b30c19b8d1dc70')
    expect(sha256(world.videoBytes(newest))).toBe('c20ff5f11fabf20263548c525117963fc127b69f8f4bde66c23c4ccd210713a5')
    expect(sha256(world.audioBytes(audio))).toBe('ddca761b4476c348550514013d2635f63d183151942c6617352243d6ea3db2d3')
    const progressive = photos.find((p) => p.sizes[2]!.progressive)!
    expect(world.photoSizeScanEnds(progressive, progressive.sizes[2]!)).toEqual([4342, 5815, 6560, 7349, 9708])
  })

  it('exports the same ground truth of a video avatar and of a user with audios', () => {
    expect(sha256(json(world.photoToFile(newest)))).toBe('14fc45193f1fea40c134670387087308642d007d592ee17580b31dbee8290e82')
    expect(sha256(json(world.userToFile(owner)))).toBe('c78b451439f8a58f8438db6017224b8f8dbccec844f2191dceb0fa84df146ec7')
  })
})

/**
 * Seeding of the world's users: ordinary users drawn from the secret, then the test accounts a client logs in as.
 * Only per-user metadata is held (a few hundred bytes per user); photos and audios are derived from it on demand.
 */
import type { EmulatorAccount } from '../../spec/emulator-connection.js'
import type { PeerUniques } from './ids.js'
import type { UserMeta } from './model.js'
import { h32 } from './secrets.js'

const FIRST_NAMES = ['Alice', 'Boris', 'Chen', 'Dana', 'Emil', 'Fatima', 'Giulia', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Lev', 'Maya', 'Nikolai', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tanya']
const LAST_NAMES = ['Ivanova', 'Smith', 'Kowalski', 'Nakamura', 'Rossi', 'Haddad', 'Müller', 'Silva', 'Novak', 'Petrov']
/** Words of usernames and of audio titles. */
export const WORDS = ['sun', 'river', 'pixel', 'quiet', 'nova', 'echo', 'maple', 'orbit', 'delta', 'lumen', 'fjord', 'cobalt']

/** What seeding users depends on. */
export interface UserSeeding {
  readonly seed: number
  readonly secret: Buffer
  /** Number of ordinary users (test accounts come on top). */
  readonly users: number
  /** The DC test accounts live on (part of their phone numbers). */
  readonly homeDcId: number
  /** At most this many photos per ordinary user. Default: no cap. */
  readonly maxPhotosPerUser?: number
}

/** Every user (ordinary users first, then the test accounts) and the test accounts. */
export function seedUsers(
  options: UserSeeding,
  unique: PeerUniques,
): { users: UserMeta[]; accounts: EmulatorAccount[] } {
  const users: UserMeta[] = []
  for (let index = 0; index < options.users; index++) users.push(ordinaryUser(options, unique, index))
  const accounts: EmulatorAccount[] = []
  for (const [k, kind] of (['plain', '2fa', 'premium'] as const).entries()) {
    const user = testAccount(options, unique, users.length, k, kind)
    accounts.push(user.account)
    users.push(user)
  }
  return { users, accounts }
}

function ordinaryUser(options: UserSeeding, unique: PeerUniques, index: number): UserMeta {
  const r = (label: string): number => h32(options.secret, `user/${index}/${label}`)
  const id = unique.id(`user/${index}`)
  const firstName = FIRST_NAMES[r('first') % FIRST_NAMES.length] as string
  const hasLast = r('haslast') % 3 !== 0
  const lastName = hasLast ? (LAST_NAMES[r('last') % LAST_NAMES.length] as string) : undefined
  const deactivated = index === (options.users >= 4 ? 3 : -1)
  const audioCount = deactivated ? 0 : r('audios') % 5 === 0 ? 1 + (r('audiocount') % 4) : 0
  const nameCount = deactivated ? 0 : ([0, 1, 1, 1, 2, 3][r('names') % 6] as number)
  const usernames: string[] = []
  for (let k = 0; k < nameCount; k++) {
    const word = WORDS[r(`word${k}`) % WORDS.length] as string
    usernames.push(unique.username(`${firstName.toLowerCase().replace(/[^a-z]/g, 'x')}_${word}${r(`num${k}`) % 1000}`))
  }
  return {
    index,
    id,
    firstName: deactivated ? 'Deleted Account' : firstName,
    lastName: deactivated ? undefined : lastName,
    usernames,
    deactivated,
    photoCount: deactivated ? 0 : Math.min(options.maxPhotosPerUser ?? Infinity, photoCount(index, r('photos'))),
    audioCount,
    account: undefined,
  }
}

/** Photo count classes, all present in any 10 consecutive users: none, one, a few, over 100, over 250. */
function photoCount(index: number, random: number): number {
  const cls = index % 10
  if (cls === 0 || cls === 5) return 0
  if (cls === 1 || cls === 6) return 1
  if (cls === 4) return 101 + (random % 100)
  if (cls === 9) return 251 + (random % 80)
  return 2 + (random % 7)
}

function testAccount(
  options: UserSeeding,
  unique: PeerUniques,
  index: number,
  k: number,
  kind: 'plain' | '2fa' | 'premium',
): UserMeta & { account: EmulatorAccount } {
  const withPassword = kind === '2fa'
  const id = unique.id(`account/${k}`)
  const firstName = { plain: 'Tess', '2fa': 'Tess (2FA)', premium: 'Tess (Premium)' }[kind]
  const username = unique.username({ plain: 'emulator_tester', '2fa': 'emulator_tester_2fa', premium: 'emulator_tester_premium' }[kind])
  const account: EmulatorAccount = {
    userId: Number(id),
    phone: `99966${options.homeDcId}${String(1000 + k * 1111 + (options.seed % 1000)).padStart(4, '0').slice(-4)}`,
    code: withPassword ? '54321' : kind === 'premium' ? '24680' : '12345',
    ...(withPassword ? { password: 'correct horse battery staple' } : {}),
    ...(kind === 'premium' ? { premium: true as const } : {}),
    firstName,
    username,
  }
  return {
    index,
    id,
    firstName,
    lastName: undefined,
    usernames: [username],
    deactivated: false,
    photoCount: 1,
    audioCount: 0,
    account,
  }
}

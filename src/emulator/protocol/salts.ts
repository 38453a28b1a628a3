/**
 * Server salts of one auth key (https://core.telegram.org/mtproto/description#server-salt): each is valid for
 * {@link SALT_LIFETIME_S}, the next one starts where the previous ends, and new ones are made as old ones expire.
 */
import { randomBytes } from 'node:crypto'
import { SALT_LIFETIME_S, type AuthKeyRecord } from './handshake.js'

/** Keeps at least `count` salts, the first valid `now`, dropping expired ones. */
export function ensureSalts(record: AuthKeyRecord, count: number, now: number): void {
  while (record.salts.length > 0 && record.salts[0]!.validUntil <= now) record.salts.shift()
  let last = record.salts[record.salts.length - 1]
  if (last === undefined) {
    last = { salt: randomBytes(8).readBigInt64LE(0), validSince: now - 1, validUntil: now + SALT_LIFETIME_S }
    record.salts.push(last)
  }
  while (record.salts.length < count) {
    const since: number = last.validUntil
    last = { salt: randomBytes(8).readBigInt64LE(0), validSince: since, validUntil: since + SALT_LIFETIME_S }
    record.salts.push(last)
  }
}

/** The salt valid `now`. */
export function currentSalt(record: AuthKeyRecord, now: number): bigint {
  ensureSalts(record, 1, now)
  return record.salts.find((s) => s.validSince <= now && now < s.validUntil)!.salt
}

/** Whether a client may use `salt` `now`: a salt stays acceptable for a short grace past its end, as Telegram allows. */
export function saltValid(record: AuthKeyRecord, salt: bigint, now: number): boolean {
  ensureSalts(record, 1, now)
  return record.salts.some((s) => s.salt === salt && s.validSince <= now + 1 && now < s.validUntil + 60)
}

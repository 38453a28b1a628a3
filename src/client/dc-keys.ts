/**
 * Authorizations on the account's other DCs, kept beside the session (`<session>.dc-keys.json`).
 *
 * Profile photos live on every DC. GramJS keeps only the home DC's auth key in a session string, so each run of a
 * fresh process creates a key on every other DC it downloads from and copies the login there
 * (`auth.exportAuthorization` on the home DC, `auth.importAuthorization` on the other): two requests and a key
 * exchange per DC, every run. Telegram clients keep one authorized key per DC instead (TDLib, Telethon, mtcute);
 * this module does the same for tg-profile:
 *
 * - {@link MultiDcSession} hands GramJS a stored key when it opens a connection to another DC, and GramJS then uses
 *   it as authorized (no export/import);
 * - {@link attachDcKeys} notes which keys answered a request, so only keys proven to work are stored, and recovers
 *   from a key the DC does not accept (401 `AUTH_KEY_UNREGISTERED`): it drops the key and sends the request once
 *   more on a new, freshly authorized connection;
 * - {@link saveDcKeys} writes them (0600, atomically) when they changed.
 *
 * The file is bound to the home auth key: a session with another key ignores and then replaces it, and
 * `tg-profile login` removes it ({@link forgetDcKeys}), so a key authorized for one login is never used by another.
 * These keys are as secret as the session itself; with `TG_SESSION` (no session file) they are kept in memory only.
 */
import bigInt from 'big-integer'
import { RPCError } from 'telegram/errors/index.js'
import { AuthKey } from 'telegram/crypto/AuthKey.js'
import { exportedSenderKey, retireExportedSender, routeOtherDcRequests } from '../gramjs/senders.js'
import { PortSafeStringSession } from '../gramjs/session.js'
import { registerSecret } from './redact.js'
import { readPrivateFile } from './session.js'
import { removeIfExists, writeFileAtomic } from '../util/atomic-write.js'

/** The file name suffix used by {@link dcKeysPathFor}. */
export const DC_KEYS_SUFFIX = '.dc-keys.json'

/** The conventional path beside a session file: `<session>.dc-keys.json`. */
export function dcKeysPathFor(sessionPath: string): string {
  return sessionPath + DC_KEYS_SUFFIX
}

/** Removes the keys stored beside the session file `sessionPath` (a new login starts without them); absent is fine. */
export function forgetDcKeys(sessionPath: string): Promise<void> {
  return removeIfExists(dcKeysPathFor(sessionPath))
}

const FILE_VERSION = 1
const AUTH_KEY_BYTES = 256

interface DcKeysFile {
  version: number
  /** auth_key_id of the home key these authorizations were copied from (decimal, unsigned). */
  home: string
  /** DC id → auth key, base64. */
  keys: Record<string, string>
}

/** The unsigned auth_key_id of a key (the low 64 bits of its SHA-1), as a decimal string. */
function keyIdOf(key: AuthKey): string | undefined {
  const id = key.keyId
  if (id === undefined || key.getKey() === undefined) return undefined
  return (id.isNegative() ? id.add(bigInt.one.shiftLeft(64)) : id).toString()
}

async function authKeyOf(bytes: Buffer): Promise<AuthKey> {
  const key = new AuthKey()
  await key.setKey(bytes)
  return key
}

/**
 * A session string (GramJS `StringSession`, any port) that also holds authorized keys for other DCs. GramJS asks
 * `getAuthKey(dc)` when it opens a connection to DC `dc` and clears it with `setAuthKey(undefined, dc)` when that
 * connection breaks; the keys it creates itself for other DCs are not kept here (they are not authorized yet when
 * GramJS reports them).
 */
export class MultiDcSession extends PortSafeStringSession {
  private readonly dcKeys = new Map<number, AuthKey>()

  /** Other DCs' keys in use, by DC id. */
  get otherDcKeys(): ReadonlyMap<number, AuthKey> {
    return this.dcKeys
  }

  /** Makes `key` the authorized key of DC `dcId` (not the home DC). */
  restoreDcKey(dcId: number, key: AuthKey): void {
    if (dcId === this.dcId) throw new Error(`DC ${dcId} is the home DC`)
    this.dcKeys.set(dcId, key)
  }

  override getAuthKey(dcId?: number): AuthKey | undefined {
    if (dcId !== undefined && dcId !== 0 && dcId !== this.dcId) return this.dcKeys.get(dcId)
    return super.getAuthKey(dcId)
  }

  override setAuthKey(authKey?: AuthKey, dcId?: number): undefined {
    if (dcId !== undefined && dcId !== 0 && dcId !== this.dcId) {
      if (authKey === undefined) this.dcKeys.delete(dcId)
      return undefined
    }
    return super.setAuthKey(authKey, dcId)
  }
}

/**
 * Loads the keys stored at `path` into `session`, when they were copied from the session's current home key.
 * Returns how many were loaded. A missing file, or one of another login, loads nothing.
 *
 * @throws {SessionFileError} when the file is readable by group/others or is not a regular file
 */
export async function loadDcKeys(path: string, session: MultiDcSession): Promise<number> {
  const text = await readPrivateFile(path, 'authorization keys file')
  const home = session.getAuthKey()
  const homeId = home === undefined ? undefined : keyIdOf(home)
  if (text === undefined || homeId === undefined) return 0
  let file: Partial<DcKeysFile>
  try {
    file = JSON.parse(text) as Partial<DcKeysFile>
  } catch {
    return 0 // Damaged: the keys are created again and the file rewritten.
  }
  if (file.version !== FILE_VERSION || file.home !== homeId || typeof file.keys !== 'object' || file.keys === null) return 0
  let loaded = 0
  for (const [dc, b64] of Object.entries(file.keys)) {
    const dcId = Number(dc)
    if (!Number.isInteger(dcId) || dcId <= 0 || dcId === session.dcId || typeof b64 !== 'string') continue
    const bytes = Buffer.from(b64, 'base64')
    if (bytes.length !== AUTH_KEY_BYTES) continue
    registerSecret(b64)
    session.restoreDcKey(dcId, await authKeyOf(bytes))
    loaded++
  }
  return loaded
}

/** What {@link attachDcKeys} tracks for one client. */
interface DcKeyState {
  readonly session: MultiDcSession
  /** The key that answered a request on each other DC in this process (saved if still in use at the end). */
  readonly proven: Map<number, AuthKey>
  /** How many times each DC's connection was retired: a request that failed on an older one is just sent again. */
  readonly generation: Map<number, number>
  /** The running retirement of each DC's connection, awaited by every request that failed on it. */
  readonly retiring: Map<number, Promise<void>>
}

const states = new WeakMap<object, DcKeyState>()

/** A 401 `AUTH_KEY_UNREGISTERED` from GramJS: the key is not (or no longer) logged in on that DC. */
export function isAuthKeyUnregistered(error: unknown): boolean {
  return error instanceof RPCError && error.errorMessage === 'AUTH_KEY_UNREGISTERED'
}

/**
 * Watches `client`'s requests to other DCs (`invoke` with a DC id, and `invokeWithSender`, which GramJS's own
 * downloads use); its session must be a {@link MultiDcSession}.
 *
 * - A request answered notes the key of that DC's connection as proven (only proven keys are saved).
 * - A request refused with 401 `AUTH_KEY_UNREGISTERED` (a stored key the DC no longer accepts, or a key GramJS took
 *   for authorized after a failed import) retires that connection and drops the DC's stored key, then is sent once
 *   more, on a new connection authorized by export/import. GramJS itself keeps using the refused key.
 */
export function attachDcKeys(client: object): void {
  const session = (client as { session?: unknown }).session
  if (!(session instanceof MultiDcSession)) throw new TypeError('attachDcKeys: the client session must be a MultiDcSession')
  if (states.has(client)) return
  const state: DcKeyState = { session, proven: new Map(), generation: new Map(), retiring: new Map() }
  states.set(client, state)
  routeOtherDcRequests(client, () => session.dcId, async (dcId, send, again) => {
    const generation = state.generation.get(dcId) ?? 0
    try {
      const result = await send()
      const key = await exportedSenderKey(client, dcId)
      if (key !== undefined && (state.generation.get(dcId) ?? 0) === generation) state.proven.set(dcId, key)
      return result
    } catch (error) {
      if (!isAuthKeyUnregistered(error)) throw error
      if ((state.generation.get(dcId) ?? 0) === generation) {
        state.generation.set(dcId, generation + 1)
        state.proven.delete(dcId)
        session.setAuthKey(undefined, dcId)
        state.retiring.set(dcId, retireExportedSender(client, dcId))
      }
      await state.retiring.get(dcId)
      return again()
    }
  })
}

/**
 * The authorized keys of `client`'s other DCs worth keeping: for each DC, the key its connection uses now if that key
 * answered a request in this process, else the stored key if it was not refused.
 */
export async function provenDcKeys(client: object): Promise<Map<number, AuthKey>> {
  const state = states.get(client)
  const out = new Map<number, AuthKey>()
  if (state === undefined) return out
  for (const [dcId, key] of state.session.otherDcKeys) out.set(dcId, key)
  for (const [dcId, key] of state.proven) {
    if ((await exportedSenderKey(client, dcId)) === key && key.getKey() !== undefined) out.set(dcId, key)
  }
  return out
}

/**
 * Writes `client`'s proven keys of other DCs to `path` (0600, atomically) when they differ from what is stored
 * there. Nothing is written when there are none and no file exists.
 */
export async function saveDcKeys(client: object, path: string): Promise<void> {
  const state = states.get(client)
  const home = state?.session.getAuthKey()
  const homeId = home === undefined ? undefined : keyIdOf(home)
  if (state === undefined || homeId === undefined) return
  const keys: Record<string, string> = {}
  for (const [dcId, key] of [...(await provenDcKeys(client))].sort(([a], [b]) => a - b)) {
    const bytes = key.getKey()
    if (bytes === undefined) continue
    keys[String(dcId)] = bytes.toString('base64')
    registerSecret(keys[String(dcId)]!)
  }
  const text = `${JSON.stringify({ version: FILE_VERSION, home: homeId, keys } satisfies DcKeysFile)}\n`
  const current = await readPrivateFile(path, 'authorization keys file').catch(() => undefined)
  if (current === text || (current === undefined && Object.keys(keys).length === 0)) return
  await writeFileAtomic(path, text)
}

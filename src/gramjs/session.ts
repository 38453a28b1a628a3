/**
 * GramJS's sessions and entity caches, where tg-profile needs more than their public API: a session string that holds
 * any port, one entity row per peer, and forgetting a user GramJS would keep for the whole run. `StringSession` and
 * `MemorySession` keep these in `_port`, `_entities` and `_entitiesToRows`, the client in `_entityCache`.
 */
import { StringSession } from 'telegram/sessions/index.js'
import { clientInternals } from './internals.js'

/**
 * A GramJS `StringSession` that can hold any TCP port. GramJS writes the port as a *signed* 16-bit integer, so
 * saving a session for a server on a port above 32767 (any ephemeral loopback port, e.g. the emulator's) throws
 * `ERR_OUT_OF_RANGE`. This class saves such ports in two's complement and reads them back unsigned; the string
 * format is unchanged and ports ≤ 32767 (Telegram's 443/80) encode exactly as GramJS does. It also keeps one entity
 * row per peer (see {@link PortSafeStringSession.processEntities}).
 */
export class PortSafeStringSession extends StringSession {
  /** The entity row of each peer, by marked id (see {@link processEntities}). */
  private readonly rowOf = new Map<string, unknown>()

  /**
   * GramJS's session remembers the peers of every answer (`client.getInputEntity` looks there), adding a row per
   * peer per answer even when it knows the peer: a bulk run kept several rows for each user it met, for the whole
   * run. Here a peer has one row, the newest.
   */
  override processEntities(tlo: unknown): void {
    // A GramJS whose session lacks these members keeps its own rows.
    if (typeof this._entitiesToRows !== 'function' || !(this._entities instanceof Set)) return super.processEntities(tlo)
    for (const row of this._entitiesToRows(tlo)) {
      const id = String(row[0])
      const old = this.rowOf.get(id)
      if (old !== undefined) this._entities.delete(old)
      this._entities.add(row)
      this.rowOf.set(id, row)
    }
  }

  /** Drops the entity row of the peer with marked id `markedId` (a user's id); `true` when there was one. */
  forgetPeer(markedId: string): boolean {
    const row = this.rowOf.get(markedId)
    if (row === undefined) return false
    this._entities.delete(row)
    this.rowOf.delete(markedId)
    return true
  }

  constructor(session?: string) {
    super(session)
    if (this._port !== undefined && this._port < 0) this._port += 0x10000
  }

  override save(): string {
    const port = this._port
    if (port === undefined || port <= 0x7fff) return super.save()
    this._port = port - 0x10000
    try {
      return super.save()
    } finally {
      this._port = port
    }
  }
}

/**
 * Removes user `userId` from GramJS's own in-process entity caches: the client's `_entityCache` (id → input peer)
 * and the session's entity rows (which `client.getInputEntity` reads). GramJS adds every user of every answer to both
 * and never removes one, so a bulk run that meets ten thousand users keeps them all; the archiver calls this once a
 * user is done (its access hash stays in the project's `EntityCache`). The rows of a plain GramJS session are
 * looked through one by one; a {@link PortSafeStringSession} finds its row directly.
 */
export function forgetGramjsUser(client: object, userId: string): void {
  const { _entityCache: cache, session } = clientInternals(client)
  cache?.cacheMap?.delete(userId)
  if (session instanceof PortSafeStringSession) {
    session.forgetPeer(userId)
    return
  }
  const rows = (session as { _entities?: unknown } | undefined)?._entities
  if (!(rows instanceof Set)) return
  for (const row of rows) if (Array.isArray(row) && String(row[0]) === userId) rows.delete(row)
}

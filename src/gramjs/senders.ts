/**
 * A GramJS client's connections to other DCs (downloads live there): GramJS keeps them in `_exportedSenderPromises`
 * with a release timer each in `_exportedSenderReleaseTimeouts`, and sends to them through `invoke(request, dcId)`
 * and `invokeWithSender(request, sender)`. What `dc-keys` and `shutdownClient` need of them is here.
 */
import type { AuthKey } from 'telegram/crypto/AuthKey.js'
import { authKeyRejected, rejectPendingRequests } from './fixes/bad-key.js'
import { clientInternals, type RequestState, type SenderInternals } from './internals.js'

/** DC `dcId`'s connection of `client` (a GramJS `TelegramClient`), once made; `undefined` when none is, or it failed. */
export async function exportedSender(client: object, dcId: number): Promise<SenderInternals | undefined> {
  return clientInternals(client)._exportedSenderPromises?.get(dcId)?.catch(() => undefined)
}

/** The auth key DC `dcId`'s connection of `client` uses now, if it has one. */
export async function exportedSenderKey(client: object, dcId: number): Promise<AuthKey | undefined> {
  return (await exportedSender(client, dcId))?.authKey
}

/**
 * Takes DC `dcId`'s connection of `client` out of use, so the next request there opens and authorizes a new one.
 * Unlike GramJS's `_cleanupExportedSender`, the requests in flight on it, and any still about to be queued on it, are
 * settled (401, as the DC would answer them) instead of being left without an answer when it disconnects; their
 * callers send them again.
 */
export async function retireExportedSender(client: object, dcId: number): Promise<void> {
  const internals = clientInternals(client)
  const promise = internals._exportedSenderPromises?.get(dcId)
  internals._exportedSenderPromises?.delete(dcId)
  const timer = internals._exportedSenderReleaseTimeouts?.get(dcId)
  if (timer !== undefined) clearTimeout(timer)
  internals._exportedSenderReleaseTimeouts?.delete(dcId)
  const sender = await promise?.catch(() => undefined)
  if (sender === undefined) return
  sender.addStateToQueue = (state: RequestState): void => state.reject(authKeyRejected(state.request))
  rejectPendingRequests(sender)
  await sender.disconnect().catch(() => undefined)
}

/**
 * Disconnects every connection of `client` to another DC and clears their release timers: GramJS 2.26's `destroy()`
 * walks those Maps with `Object.values` (always empty), so they stay open and a 30 s timer keeps the process alive.
 */
export async function closeExportedSenders(client: object): Promise<void> {
  const internals = clientInternals(client)
  for (const timer of internals._exportedSenderReleaseTimeouts?.values() ?? []) clearTimeout(timer)
  internals._exportedSenderReleaseTimeouts?.clear()
  const senders = [...(internals._exportedSenderPromises?.values() ?? [])]
  await Promise.all(
    senders.map(async (promise) => {
      const sender = await promise.catch(() => undefined)
      await sender?.disconnect().catch(() => undefined)
    }),
  )
}

/**
 * Sends one request to another DC: `send` the first time, `again` once more after the connection was retired (a
 * fresh connection, for a request that named its sender).
 */
export type OtherDcSend = (dcId: number, send: () => Promise<unknown>, again: () => Promise<unknown>) => Promise<unknown>

/**
 * Routes `client`'s requests to DCs other than `homeDcId()` (`invoke` with a DC id, and `invokeWithSender`, which
 * GramJS's own downloads use) through `route`; requests to the home DC go straight to GramJS.
 */
export function routeOtherDcRequests(client: object, homeDcId: () => number, route: OtherDcSend): void {
  const internals = clientInternals(client)
  const invoke = internals.invoke.bind(client)
  internals.invoke = (request: unknown, dcId?: number): Promise<unknown> => {
    if (dcId === undefined || dcId === homeDcId()) return invoke(request, dcId)
    return route(dcId, () => invoke(request, dcId), () => invoke(request, dcId))
  }
  const invokeWithSender = internals.invokeWithSender?.bind(client)
  const getSender = internals.getSender?.bind(client)
  if (invokeWithSender === undefined || getSender === undefined) return
  internals.invokeWithSender = (request: unknown, sender: SenderInternals): Promise<unknown> => {
    const dcId = sender.dcId
    if (dcId === undefined || dcId === homeDcId()) return invokeWithSender(request, sender)
    return route(dcId, () => invokeWithSender(request, sender), async () => invokeWithSender(request, await getSender(dcId)))
  }
}

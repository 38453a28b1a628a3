/**
 * The narrow slice of a GramJS `TelegramClient` the library methods use, and one helper to invoke requests through
 * it (including the hand-registered layer-214 ones GramJS's types do not know).
 */
import type { Api } from 'telegram'
import { untilAborted, withDeadline } from './deadline.js'
import { forgetRequest } from '../gramjs/fixes/forget.js'
import type { CallOptions } from './deadline.js'

/**
 * What the methods need from a client: `invoke` (optionally on another DC) and the home DC of the session.
 * A GramJS `TelegramClient` satisfies it; unit tests may pass a recording object.
 */
export interface ProfileClient {
  /** GramJS `TelegramClient.invoke`: sends one request, on the home DC or on `dcId`. */
  invoke(request: Api.AnyRequest, dcId?: number): Promise<unknown>
  /** The session, whose `dcId` is the home DC (GramJS `Session.dcId`). */
  readonly session?: { readonly dcId: number }
  /**
   * GramJS `TelegramClient.getSender`: the connection to another DC, connected (and authorized, exporting the
   * account's authorization once) on first use. Optional; the archiver uses it to have a DC's connection ready before
   * one of its requests is let through the flood gate, so that a request is sent when it is let through.
   */
  getSender?(dcId: number): Promise<unknown>
  /**
   * The client bounds each attempt of a request itself and may hold a request back on purpose (the archiver's gated
   * client: its flood gate waits out FLOOD_WAITs, it retries after network failures): {@link invokeRequest} then adds
   * no deadline of its own, which would cut those waits short, and only follows the signal. Default false.
   */
  readonly ownDeadlines?: boolean
}

/** Any TL request object: GramJS's generated requests or the ones registered in `src/tl`. */
export interface TlRequest {
  readonly classType: 'request'
  readonly className: string
}

/** Where and how long {@link invokeRequest} sends a request. */
export interface InvokeOptions extends CallOptions {
  /** The DC to send it to. Default: the home DC. */
  dcId?: number
}

/** The MTProto name of a request (`photos.getUserPhotos`), for messages: GramJS's class name with a lower-case verb. */
export function requestName(request: Pick<TlRequest, 'className'>): string {
  return request.className.replace(/\.([A-Z])/, (_, c: string) => `.${c.toLowerCase()}`)
}

/**
 * Sends `request` through `client`, on `dcId` only when it differs from the home DC (GramJS would otherwise open a
 * second connection to the home DC), within the deadline and signal of `options` (see {@link withDeadline}).
 * Returns the raw answer, to be narrowed by the caller.
 */
export async function invokeRequest(client: ProfileClient, request: TlRequest, options: InvokeOptions = {}): Promise<unknown> {
  options.signal?.throwIfAborted()
  // GramJS's `invoke` only looks at classType / resolve / getBytes; its typing just does not list src/tl requests.
  const req = request as unknown as Api.AnyRequest
  const dcId = options.dcId === homeDcId(client) ? undefined : options.dcId
  const sent = dcId === undefined ? client.invoke(req) : client.invoke(req, dcId)
  // Given up on: the request leaves GramJS's queues instead of waiting there (and being sent again) for good.
  const forget = (reason: unknown): void => void forgetRequest(client, request, dcId, reason)
  return client.ownDeadlines === true
    ? untilAborted(sent, options.signal, forget)
    : withDeadline(sent, requestName(request), options, forget)
}

/** The session's home DC, or `undefined` when the client does not say. */
export function homeDcId(client: ProfileClient): number | undefined {
  const dc = client.session?.dcId
  return typeof dc === 'number' && dc > 0 ? dc : undefined
}

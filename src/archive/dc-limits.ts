/**
 * Files downloaded at once per DC, as Telegram advises: `help.getAppConfig` publishes
 * `small_queue_max_active_operations_count` (files under 20 MB; https://core.telegram.org/api/files and
 * https://core.telegram.org/api/config#client-configuration). Profile photos, video avatars and audios are small
 * files. Telegram refuses no client that exceeds it, but a client that keeps to it is the one Telegram expects;
 * without the key (or the call) the run's own concurrency is the only bound.
 */
import { Api } from 'telegram'
import type { CallOptions } from '../client/deadline.js'
import { invokeRequest, type ProfileClient } from '../client/invoke.js'
import { Limit } from './gated-client.js'

/** The key of the small-file queue in the app config. */
export const SMALL_QUEUE_KEY = 'small_queue_max_active_operations_count'

/** The number under `key` in an app config's JSON object, when it is a positive integer. */
export function configNumber(config: Api.TypeJSONValue, key: string): number | undefined {
  if (!(config instanceof Api.JsonObject)) return undefined
  const entry = config.value.find((v) => v.key === key)
  const value = entry?.value
  if (!(value instanceof Api.JsonNumber) || !Number.isInteger(value.value) || value.value < 1) return undefined
  return value.value
}

/** The small-file queue Telegram advises, or `undefined` when the config does not say (or cannot be read). */
export async function smallQueueLimit(client: ProfileClient, options: CallOptions = {}): Promise<number | undefined> {
  try {
    const answer = await invokeRequest(client, new Api.help.GetAppConfig({ hash: 0 }), options)
    return answer instanceof Api.help.AppConfig ? configNumber(answer.config, SMALL_QUEUE_KEY) : undefined
  } catch {
    // Advice only: a run goes on without it.
    return undefined
  }
}

/** One {@link Limit} of files in flight per DC. */
export class DcSlots {
  private readonly limits = new Map<number, Limit>()
  constructor(private readonly perDc: number) {}

  /** The slots of `dcId`. */
  of(dcId: number): Limit {
    let limit = this.limits.get(dcId)
    if (limit === undefined) {
      limit = new Limit(this.perDc)
      this.limits.set(dcId, limit)
    }
    return limit
  }
}

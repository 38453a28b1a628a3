/**
 * What the emulator counts: calls per method and DC, RPC errors by name (those the protocol layer answers included),
 * requests it could not parse, bytes served per DC, downloads per file,
 * flood waits issued, requests swallowed (received and never answered) and — the archiver's report card — requests
 * received while a flood wait issued for that method to that account was still running; and the limits profile's
 * hits (quota refusals, premium waits, the peak of concurrent downloads per account and DC).
 */
import { writeFile } from 'node:fs/promises'

/** A snapshot of the counters (plain JSON). */
export interface EmulatorStats {
  /** RPC calls per method class name (`photos.GetUserPhotos`). */
  readonly callsPerMethod: Record<string, number>
  /** RPC calls per DC id. */
  readonly callsPerDc: Record<string, number>
  /** Error answers per error name, with numbers replaced by `X` (`FLOOD_WAIT_X`, `FILE_MIGRATE_X`). */
  readonly rpcErrors: Record<string, number>
  /** File bytes served by `upload.getFile`, per DC id. */
  readonly bytesServedPerDc: Record<string, number>
  /** `upload.getFile` calls answered with bytes, per file key (`photo:<id>:<type>`, `video:<id>:u`, `audio:<id>`). */
  readonly downloadsPerFile: Record<string, number>
  /** Flood waits issued per method. */
  readonly floodWaitsIssued: Record<string, number>
  /**
   * Requests of a method **sent** (by their msg_id) more than 50 ms (`FLOOD_WAIT_READ_GRACE_MS`) after a `FLOOD_WAIT`
   * answer for that method to that account had been written to the client, and received while the wait was still
   * running: the client had been told to wait and sent anyway. A well-behaved client keeps this at 0.
   */
  readonly requestsDuringFloodWait: Record<string, number>
  /**
   * Requests received while a flood wait was running but sent before its first answer can have reached the client
   * (already in flight, sent while the server had decided the wait but not yet told the client, or within 50 ms of
   * the answer leaving; they get their own FLOOD_WAIT). Not a fault of the client.
   */
  readonly requestsCrossingFloodWait: Record<string, number>
  /** Requests received and never answered (the `swallow` fault), per method (also counted in `callsPerMethod`). */
  readonly requestsSwallowed: Record<string, number>
  /**
   * Requests the emulator could not parse as a method it knows, per constructor id (`0x1234abcd`); each was answered
   * with `INPUT_METHOD_INVALID_X` or `INPUT_CONSTRUCTOR_INVALID`, counted in `rpcErrors` too.
   */
  readonly requestsUnparsed: Record<string, number>
  /**
   * Requests a quota of the limits profile refused with `FLOOD_WAIT_X`, per method (`contacts.ResolveUsername`,
   * `auth.ExportAuthorization`); also counted in `floodWaitsIssued`.
   */
  readonly quotaRefusals: Record<string, number>
  /** `FLOOD_PREMIUM_WAIT_X` answers to `upload.getFile` (the non-premium download budget), per account id. */
  readonly premiumWaitsIssued: Record<string, number>
  /**
   * The most `upload.getFile` requests of one account in progress at once (received, not yet answered), per
   * account id, then per DC id.
   */
  readonly peakGetFileRequests: Record<string, Record<string, number>>
  /**
   * The most distinct files among those requests at once, per account id, then per DC id: what
   * `small_queue_max_active_operations_count` / `large_queue_max_active_operations_count` bound.
   */
  readonly peakFilesInFlight: Record<string, Record<string, number>>
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by
}

/** Mutable counters behind {@link EmulatorStats}. */
export class StatsCollector {
  private s: EmulatorStats = StatsCollector.empty()

  private static empty(): EmulatorStats {
    return {
      callsPerMethod: {},
      callsPerDc: {},
      rpcErrors: {},
      bytesServedPerDc: {},
      downloadsPerFile: {},
      floodWaitsIssued: {},
      requestsDuringFloodWait: {},
      requestsCrossingFloodWait: {},
      requestsSwallowed: {},
      requestsUnparsed: {},
      quotaRefusals: {},
      premiumWaitsIssued: {},
      peakGetFileRequests: {},
      peakFilesInFlight: {},
    }
  }

  call(method: string, dcId: number): void {
    bump(this.s.callsPerMethod, method)
    bump(this.s.callsPerDc, String(dcId))
  }

  error(errorMessage: string): void {
    bump(this.s.rpcErrors, errorMessage.replace(/\d+/g, 'X'))
  }

  served(fileKey: string, dcId: number, bytes: number): void {
    bump(this.s.bytesServedPerDc, String(dcId), bytes)
    bump(this.s.downloadsPerFile, fileKey)
  }

  floodWait(method: string): void {
    bump(this.s.floodWaitsIssued, method)
  }

  duringFloodWait(method: string): void {
    bump(this.s.requestsDuringFloodWait, method)
  }

  crossingFloodWait(method: string): void {
    bump(this.s.requestsCrossingFloodWait, method)
  }

  swallowed(method: string): void {
    bump(this.s.requestsSwallowed, method)
  }

  unparsed(constructorId: number): void {
    bump(this.s.requestsUnparsed, `0x${(constructorId >>> 0).toString(16).padStart(8, '0')}`)
  }

  quotaRefusal(method: string): void {
    bump(this.s.quotaRefusals, method)
  }

  premiumWait(account: string): void {
    bump(this.s.premiumWaitsIssued, account)
  }

  /** Raises the peaks of `account` on `dcId` to `requests` requests and `files` files in progress. */
  downloadsInProgress(account: string, dcId: number, requests: number, files: number): void {
    const raise = (map: Record<string, Record<string, number>>, n: number): void => {
      const perDc = (map[account] ??= {})
      perDc[String(dcId)] = Math.max(perDc[String(dcId)] ?? 0, n)
    }
    raise(this.s.peakGetFileRequests, requests)
    raise(this.s.peakFilesInFlight, files)
  }

  /** A deep copy of the counters. */
  snapshot(): EmulatorStats {
    return JSON.parse(JSON.stringify(this.s)) as EmulatorStats
  }

  reset(): void {
    this.s = StatsCollector.empty()
  }
}

/** Writes a stats snapshot as JSON. */
export async function writeStatsFile(path: string, stats: EmulatorStats): Promise<void> {
  await writeFile(path, `${JSON.stringify(stats, null, 2)}\n`)
}

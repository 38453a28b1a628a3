import { resolve } from 'node:path'
import { startEmulator } from '../emulator/index.js'
import type { EmulatorOptions } from '../emulator/index.js'
import type { FloodRule, SwallowRule } from '../emulator/faults.js'
import { UsageError, intOption, stringOption } from './args.js'
import type { ParsedCli } from './args.js'
import { EXIT_OK } from './run.js'
import type { CommandContext } from './run.js'

/** The connection file `tg-profile emulator` writes when `--connection-file` is not given. */
export const DEFAULT_CONNECTION_FILE = 'emulator.json'

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      done(signal)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })
}

/** A probability option in [0, 1], or `undefined`. */
function probabilityOption(o: ParsedCli['options'], name: string): number | undefined {
  const raw = stringOption(o, name)
  if (raw === undefined) return undefined
  const p = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) throw new UsageError(`--${name} must be a number from 0 to 1`, 'emulator')
  return p
}

/** `--latency MS[+JITTER]`. */
export function parseLatency(raw: string): { fixedMs: number; jitterMs: number } {
  const m = /^(\d+)(?:\+(\d+))?$/.exec(raw.trim())
  if (m === null) throw new UsageError('--latency must be MS or MS+JITTER (milliseconds, e.g. 30+5)', 'emulator')
  return { fixedMs: Number(m[1]), jitterMs: Number(m[2] ?? 0) }
}

/** `--flood METHOD=BURST/PER_SECOND`, e.g. `photos.GetUserPhotos=20/5`. */
export function parseFloodRule(raw: string): [string, FloodRule] {
  const m = /^([a-z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9]*)=(\d+)\/(\d+(?:\.\d+)?)$/.exec(raw.trim())
  if (m === null) {
    throw new UsageError(`--flood must be METHOD=BURST/PER_SECOND with a GramJS method name (e.g. photos.GetUserPhotos=20/5), not "${raw}"`, 'emulator')
  }
  const refill = Number(m[3])
  if (refill <= 0) throw new UsageError('--flood: the refill rate must be above 0', 'emulator')
  return [m[1] as string, { capacity: Number(m[2]), refillPerSecond: refill }]
}

/** `--swallow METHOD[=N]`, e.g. `upload.GetFile=2`: never answer the method's requests (only the first N). */
export function parseSwallowRule(raw: string): [string, SwallowRule] {
  const m = /^([a-z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9]*)(?:=(\d+))?$/.exec(raw.trim())
  if (m === null || m[2] === '0') {
    throw new UsageError(`--swallow must be METHOD or METHOD=N (N at least 1) with a GramJS method name (e.g. upload.GetFile=2), not "${raw}"`, 'emulator')
  }
  return [m[1] as string, m[2] === undefined ? {} : { requests: Number(m[2]) }]
}

/**
 * `tg-profile emulator [--seed N] [--users N] [--port N] [--connection-file F] [--world-file F]`: runs the loopback
 * emulator until SIGINT/SIGTERM (or until `until` resolves), after writing its connection file (0600) and, when
 * asked, the world's ground truth. DC ids 1–5 listen on `--port`…`--port+4`, or on free ports by default.
 * `extra` adds emulator options the command line has no flag for (a test's clock or RSA key).
 */
export async function emulatorCommand(
  ctx: CommandContext,
  until: () => Promise<unknown> = untilSignal,
  extra: Pick<EmulatorOptions, 'clock' | 'rsaKey'> = {},
): Promise<number> {
  const o = ctx.cli.options
  const port = intOption(o, 'port', 1, 65531)
  const dcIds = [1, 2, 3, 4, 5]
  const options: EmulatorOptions = {
    ...extra,
    seed: intOption(o, 'seed', 0, 0x7fffffff) ?? 1,
    users: intOption(o, 'users', 0, 100_000) ?? 40,
    dcIds,
    ...(port === undefined ? {} : { ports: Object.fromEntries(dcIds.map((id, i) => [id, port + i])) }),
  }
  const latency = stringOption(o, 'latency')
  if (latency !== undefined) Object.assign(options, { latency: parseLatency(latency) })
  const floods = o['flood']
  if (Array.isArray(floods) && floods.length > 0) {
    Object.assign(options, { floodRules: Object.fromEntries(floods.map((f) => parseFloodRule(String(f)))) })
  }
  const swallows = o['swallow']
  if (Array.isArray(swallows) && swallows.length > 0) {
    Object.assign(options, { swallow: Object.fromEntries(swallows.map((f) => parseSwallowRule(String(f)))) })
  }
  const dropRate = probabilityOption(o, 'drop-rate')
  if (dropRate !== undefined) Object.assign(options, { dropRate })
  const ttl = intOption(o, 'fileref-ttl', 1, 10 * 365 * 86400)
  if (ttl !== undefined) Object.assign(options, { fileReferenceTtlSeconds: ttl })
  const internalErrorRate = probabilityOption(o, 'internal-error-rate')
  if (internalErrorRate !== undefined) Object.assign(options, { internalErrorRate })
  const limits = stringOption(o, 'limits')
  if (limits !== undefined) {
    if (limits !== 'none' && limits !== 'telegram') throw new UsageError(`--limits must be none or telegram, not "${limits}"`, 'emulator')
    Object.assign(options, { limits })
  }
  const statsFileOption = stringOption(o, 'stats-file')
  const statsFile = statsFileOption === undefined ? undefined : resolve(ctx.io.cwd, statsFileOption)
  const connectionFile = resolve(ctx.io.cwd, stringOption(o, 'connection-file') ?? DEFAULT_CONNECTION_FILE)
  const worldFile = stringOption(o, 'world-file')
  const emulator = await startEmulator(options)
  try {
    await emulator.writeConnectionFile(connectionFile)
    if (worldFile !== undefined) await emulator.writeWorldFile(resolve(ctx.io.cwd, worldFile))
    const dcs = emulator.connection.dcs.map((d) => `DC ${d.id} ${d.host}:${d.port}`).join(', ')
    ctx.io.stderr.write(
      `emulator listening (${dcs}); ${emulator.world.users.length} users; connection file ${connectionFile}\n` +
        `use it with: TG_EMULATOR=${connectionFile} tg-profile whoami   (Ctrl-C stops)\n`,
    )
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ ok: true, result: { connection_file: connectionFile, dcs: emulator.connection.dcs } })}\n`)
    let timer: NodeJS.Timeout | undefined
    if (statsFile !== undefined) {
      await emulator.writeStatsFile(statsFile)
      timer = setInterval(() => void emulator.writeStatsFile(statsFile).catch(() => undefined), 1000)
    }
    try {
      await until()
    } finally {
      if (timer !== undefined) clearInterval(timer)
      if (statsFile !== undefined) await emulator.writeStatsFile(statsFile)
    }
    return EXIT_OK
  } finally {
    await emulator.close()
  }
}

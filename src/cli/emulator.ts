import { resolve } from 'node:path'
import { startEmulator } from '../emulator/index.js'
import type { EmulatorOptions } from '../emulator/index.js'
import { intOption, stringOption } from './args.js'
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

/**
 * `tg-profile emulator [--seed N] [--users N] [--port N] [--connection-file F] [--world-file F]`: runs the loopback
 * emulator until SIGINT/SIGTERM (or until `until` resolves), after writing its connection file (0600) and, when
 * asked, the world's ground truth. DC ids 1–5 listen on `--port`…`--port+4`, or on free ports by default.
 */
export async function emulatorCommand(ctx: CommandContext, until: () => Promise<unknown> = untilSignal): Promise<number> {
  const o = ctx.cli.options
  const port = intOption(o, 'port', 1, 65531)
  const dcIds = [1, 2, 3, 4, 5]
  const options: EmulatorOptions = {
    seed: intOption(o, 'seed', 0, 0x7fffffff) ?? 1,
    users: intOption(o, 'users', 0, 100_000) ?? 40,
    dcIds,
    ...(port === undefined ? {} : { ports: Object.fromEntries(dcIds.map((id, i) => [id, port + i])) }),
  }
  const connectionFile = resolve(ctx.io.cwd, stringOption(o, 'connection-file') ?? DEFAULT_CONNECTION_FILE)
  const worldFile = stringOption(o, 'world')
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
    await until()
    return EXIT_OK
  } finally {
    await emulator.close()
  }
}

/**
 * `tg-profile serve`: the HTTP endpoint on the configured account, or, without Telegram credentials, on an embedded
 * emulator (as `start` does). Runs until interrupted; the first Ctrl-C lets the requests under way finish.
 */
import { loadConfig } from '../client/config.js'
import { connect } from '../client/connect.js'
import type { Connected } from '../client/connect.js'
import { withDeadline } from '../client/deadline.js'
import { startEmulator } from '../emulator/index.js'
import type { RunningEmulator } from '../emulator/index.js'
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, loadServeToken, startServer, tokenPathFor } from '../serve/index.js'
import { UsageError, intOption, stringOption } from './args.js'
import { EXIT_OK, callOptionsOf, connectOptionsOf } from './run.js'
import type { CommandContext } from './run.js'
import { DEMO_SEED, DEMO_USERS, wantsEmbeddedEmulator } from './start.js'

interface Listen {
  host: string
  port: number
  allowRemote: boolean
}

function listenOptions(ctx: CommandContext): Listen {
  const o = ctx.cli.options
  const host = stringOption(o, 'host') ?? DEFAULT_HOST
  const port = intOption(o, 'port', 0, 65535) ?? DEFAULT_PORT
  const allowRemote = o['allow-remote'] === true
  if (!isLoopback(host) && !allowRemote) {
    throw new UsageError(`--host ${host} is not a loopback address: add --allow-remote to listen there (plain HTTP)`, 'serve')
  }
  return { host, port, allowRemote }
}

async function serveOn(ctx: CommandContext, c: Connected, listen: Listen, embedded: boolean, until: () => Promise<unknown>): Promise<number> {
  const { stderr } = ctx.io
  const me = await withDeadline(c.client.getMe(), 'users.getUsers', callOptionsOf(ctx))
  // Beside the session file it was made for; an embedded emulator's session lives in memory, and so does its token.
  const path = c.sessionFile ?? (embedded ? undefined : c.config.sessionFile)
  const token = await loadServeToken({
    path: path === undefined ? undefined : tokenPathFor(path),
    accountId: me.id.toString(),
    rotate: ctx.cli.options['new-token'] === true,
  })
  const server = await startServer({
    client: c.client,
    token: token.token,
    ...listen,
    log: stderr,
    signal: ctx.signal,
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  })
  const where = token.path === undefined ? 'kept in memory for this run' : `stored in ${token.path}`
  if (token.created) stderr.write(`token (shown once; ${where}): ${token.token}\n`)
  else stderr.write(`token: ${where} (tg-profile serve --new-token replaces it)\n`)
  stderr.write(`listening on ${server.url} as user ${me.id.toString()}; try: curl ${server.url}/bot<token>/getMe   (Ctrl-C stops)\n`)
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ ok: true, result: { url: server.url, token_file: token.path ?? null } })}\n`)
  try {
    await until()
  } finally {
    await server.close()
  }
  return EXIT_OK
}

/** `tg-profile serve [--host HOST] [--port PORT] [--allow-remote] [--new-token]`. */
export async function serveCommand(ctx: CommandContext, until: () => Promise<unknown>): Promise<number> {
  const listen = listenOptions(ctx)
  const config = loadConfig({ env: ctx.io.env, cwd: ctx.io.cwd, emulatorFile: stringOption(ctx.cli.options, 'emulator') })
  const embedded = wantsEmbeddedEmulator(config)
  let emu: RunningEmulator | undefined
  if (embedded) {
    ctx.io.stderr.write(
      `No Telegram credentials (TG_API_ID/TG_API_HASH): serving an embedded emulator (seed ${DEMO_SEED}, ${DEMO_USERS} users) on 127.0.0.1.\n`,
    )
    emu = await startEmulator({ seed: DEMO_SEED, users: DEMO_USERS })
  }
  try {
    const base = connectOptionsOf(ctx)
    const c = await connect(emu === undefined ? base : { ...base, emulatorConnection: emu.connection })
    try {
      return await serveOn(ctx, c, listen, embedded, until)
    } finally {
      await c.close()
    }
  } finally {
    await emu?.close()
  }
}

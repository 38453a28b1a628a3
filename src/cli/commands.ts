import type { UserProfilePhotos } from '../botapi/types.js'
import { connect } from '../client/connect.js'
import type { Connected } from '../client/connect.js'
import {
  checkUserProfileAudiosParams,
  checkUserProfilePhotosParams,
  getUserProfileAudios,
  getUserProfilePhotos,
  iterUserProfilePhotos,
} from '../methods/index.js'
import { intOption, stringOption } from './args.js'
import type { CommandName } from './args.js'
import { archiveCommand } from './archive.js'
import { downloadCommand } from './download.js'
import { emulatorCommand } from './emulator.js'
import { loginCommand } from './login.js'
import { startCommand } from './start.js'
import { serveCommand } from './serve.js'
import { galleryCommand } from './gallery.js'
import { audiosTable, formatTable, photosTable, printResult } from './output.js'
import { EXIT_OK, callOptionsOf, connectOptionsOf } from './run.js'
import { withDeadline } from '../client/deadline.js'
import { toBotApiUser } from '../botapi/user.js'
import type { CommandContext, CommandHandler } from './run.js'

/** Connects as the configured account for one command and always closes (session + entity cache saved). */
export async function withClient<T>(ctx: CommandContext, body: (c: Connected) => Promise<T>): Promise<T> {
  const c = await connect(connectOptionsOf(ctx))
  try {
    return await body(c)
  } finally {
    await c.close()
  }
}

const whoami: CommandHandler = async (ctx) => {
  const user = await withClient(ctx, async ({ client, cache }) => {
    const me = await withDeadline(client.getMe(), 'users.getUsers', callOptionsOf(ctx))
    cache.addUsers([me])
    return toBotApiUser(me)
  })
  printResult(ctx, user, (u) =>
    formatTable(
      ['field', 'value'],
      Object.entries(u).map(([k, v]) => [k, String(v)]),
    ),
  )
  return EXIT_OK
}

const photos: CommandHandler = async (ctx) => {
  const user = ctx.cli.positionals[0] as string
  const offset = intOption(ctx.cli.options, 'offset')
  const limit = intOption(ctx.cli.options, 'limit')
  const maxId = stringOption(ctx.cli.options, 'max-id')
  const all = ctx.cli.options.all === true
  // Bad arguments are reported before credentials are read or a connection is made.
  checkUserProfilePhotosParams({ user_id: user, offset, limit, max_id: maxId })
  const result = await withClient(ctx, async ({ client }): Promise<UserProfilePhotos> => {
    const call = callOptionsOf(ctx)
    if (!all) return getUserProfilePhotos(client, { user_id: user, offset, limit, max_id: maxId }, call)
    // --all: every photo through the iterator (⌈n/100⌉ calls), printed as one UserProfilePhotos.
    const sizes = []
    for await (const item of iterUserProfilePhotos(client, user, { ...call, offset, max_id: maxId })) sizes.push(item.sizes)
    return { total_count: (offset ?? 0) + sizes.length, photos: sizes }
  })
  printResult(ctx, result, photosTable)
  return EXIT_OK
}

const audios: CommandHandler = async (ctx) => {
  const user = ctx.cli.positionals[0] as string
  const offset = intOption(ctx.cli.options, 'offset')
  const limit = intOption(ctx.cli.options, 'limit')
  checkUserProfileAudiosParams({ user_id: user, offset, limit })
  const result = await withClient(ctx, ({ client }) => getUserProfileAudios(client, { user_id: user, offset, limit }, callOptionsOf(ctx)))
  printResult(ctx, result, audiosTable)
  return EXIT_OK
}

/** Resolves once `signal` aborts: a command that runs until interrupted. */
function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

/** Every wired command. Missing ones report "not available in this build yet" (exit 2). */
export const HANDLERS: Partial<Record<CommandName, CommandHandler>> = {
  login: (ctx) => loginCommand(ctx),
  whoami,
  photos,
  audios,
  download: (ctx) => downloadCommand(ctx, withClient),
  archive: (ctx) => archiveCommand(ctx, withClient),
  emulator: (ctx) => emulatorCommand(ctx, () => abortion(ctx.signal)),
  start: (ctx) => startCommand(ctx),
  serve: (ctx) => serveCommand(ctx, () => abortion(ctx.signal)),
  gallery: (ctx) => galleryCommand(ctx),
}

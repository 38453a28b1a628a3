import { stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Connected } from '../client/connect.js'
import { FileExistsError, exists, openAtomicFile } from '../util/atomic-write.js'
import { downloadFile, fileIdToLocation, findFileId, withFreshFileReference } from '../methods/index.js'
import { TgProfileError } from '../errors/index.js'
import { stringOption } from './args.js'
import { formatOk } from '../botapi/envelope.js'
import { sniffExtension } from '../botapi/sniff.js'
import { EXIT_OK, callOptionsOf } from './run.js'
import type { CommandContext } from './run.js'

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/**
 * `tg-profile download <file_id> [-o PATH] [--force]`: streams the file into a temporary file beside the target and
 * commits it atomically under the final name, which must be free unless `--force` allows replacing it. Prints `{"ok":true,"result":{"path":…,"file_size":…}}` (JSON) or the path.
 */
export async function downloadCommand(
  ctx: CommandContext,
  withClient: <T>(ctx: CommandContext, body: (c: Connected) => Promise<T>) => Promise<T>,
): Promise<number> {
  const fileId = ctx.cli.positionals[0] as string
  const force = ctx.cli.options.force === true
  // Rejects anything that is not a file id of ours before connecting (Bot API 400 "invalid file_id").
  const { parsed } = fileIdToLocation(fileId)
  const output = stringOption(ctx.cli.options, 'output')
  const owner = stringOption(ctx.cli.options, 'user')
  // Without -o (or with -o DIR) the name is the file id plus the extension found in the content.
  const explicit = output !== undefined && !(await isDirectory(resolve(ctx.io.cwd, output)))
  const dir = output === undefined ? ctx.io.cwd : explicit ? dirname(resolve(ctx.io.cwd, output)) : resolve(ctx.io.cwd, output)
  if (explicit && !force && (await exists(resolve(ctx.io.cwd, output)))) {
    throw new TgProfileError(`${output} already exists (use --force to overwrite)`)
  }
  // The final name may depend on the content, so the temporary file is named after no final name in particular.
  const file = await openAtomicFile(join(dir, 'tg-profile-download'))
  let head: Uint8Array | undefined
  try {
    const onChunk = async (chunk: Buffer, offset: number): Promise<void> => {
      if (offset === 0) head = chunk.subarray(0, 16)
      await file.write(chunk)
    }
    const call = callOptionsOf(ctx)
    const size = await withClient(ctx, async ({ client }) => {
      // An expired reference: with --user, list that profile again for a fresh file_id and retry once.
      const done = await withFreshFileReference(
        fileId,
        (id) => downloadFile(client, id, { ...call, onChunk }),
        async () => {
          if (owner === undefined) return undefined
          const fresh = await findFileId(client, owner, parsed, call)
          if (fresh !== undefined) await file.restart()
          return fresh
        },
        { maxRefreshes: 1 },
      )
      if (!done.listed) throw done.error
      return done.value
    })
    const target = explicit ? resolve(ctx.io.cwd, output) : join(dir, fileId + sniffExtension(head ?? new Uint8Array(), parsed.kind))
    const finalPath = await file.commit({ path: target, replace: force }).catch((error: unknown) => {
      throw error instanceof FileExistsError ? new TgProfileError(`${target} already exists (use --force to overwrite)`) : error
    })
    const result = { path: finalPath, file_size: size }
    ctx.io.stdout.write(ctx.json ? formatOk(result) : `${finalPath} (${size} bytes)\n`)
    return EXIT_OK
  } finally {
    await file.abort().catch(() => undefined)
  }
}

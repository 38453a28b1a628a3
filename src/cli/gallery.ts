/**
 * `tg-profile gallery <archive dir>`: builds or refreshes the archive's static HTML gallery, and the same refresh at
 * the end of `archive` and `start` (unless `--no-gallery`). The gallery and the archiver are peers, so the CLI is
 * where one runs after the other.
 */
import { relative, resolve } from 'node:path'
import { buildGallery, type GallerySummary } from '../gallery/index.js'
import { UsageError } from './args.js'
import { EXIT_OK } from './run.js'
import type { CommandContext } from './run.js'

/** `./rel/path` when `path` is under `cwd`, else `path`. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel === '' || rel.startsWith('..') ? path : `./${rel}`
}

/** The line that tells where the gallery is: `open ./tg-profile-demo/index.html`. */
export function openLine(cwd: string, summary: GallerySummary): string {
  return `open ${displayPath(cwd, summary.index)}`
}

/** Refreshes `out`'s gallery after an archive run unless `--no-gallery`; `undefined` when it was not asked for. */
export async function refreshGallery(ctx: CommandContext, out: string): Promise<GallerySummary | undefined> {
  // An interrupted run ends at once; the next run (or `tg-profile gallery`) refreshes the gallery.
  if (ctx.cli.options['no-gallery'] === true || ctx.signal.aborted) return undefined
  return buildGallery(out, { signal: ctx.signal })
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

function describe(ctx: CommandContext, s: GallerySummary): string {
  return (
    `Gallery: ${plural(s.users, 'user')}, ${plural(s.photos, 'photo')}; ` +
    `${s.files.written} files written, ${s.files.unchanged} unchanged.\n` +
    `${openLine(ctx.io.cwd, s)}\n`
  )
}

/** The `gallery` command. */
export async function galleryCommand(ctx: CommandContext): Promise<number> {
  const dir = resolve(ctx.io.cwd, ctx.cli.positionals[0] as string)
  let summary: GallerySummary
  try {
    summary = await buildGallery(dir, { signal: ctx.signal })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(`${displayPath(ctx.io.cwd, dir)} is not an archive folder (no manifest.ndjson)`, 'gallery')
    }
    throw error
  }
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ ok: true, result: summary })}\n`)
  else ctx.io.stdout.write(describe(ctx, summary))
  return EXIT_OK
}

/** What `archive` prints after its summary on a terminal. */
export function galleryNote(ctx: CommandContext, s: GallerySummary | undefined): string {
  return s === undefined ? '' : describe(ctx, s)
}

import type { Audio, PhotoSize, UserProfileAudios, UserProfilePhotos } from '../botapi/types.js'
import { formatOk } from '../botapi/envelope.js'
import type { CommandContext } from './run.js'

/** Prints `result` as the Bot API envelope (JSON mode) or with `table` (terminal). */
export function printResult<T>(ctx: CommandContext, result: T, table: (result: T) => string): void {
  ctx.io.stdout.write(ctx.json ? formatOk(result) : table(result))
}

/** Left-aligned columns separated by two spaces. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}

function sizeRow(index: string, size: PhotoSize): string[] {
  return [index, `${size.width}x${size.height}`, size.file_size === undefined ? '' : String(size.file_size), size.file_id]
}

/** The terminal view of a `UserProfilePhotos`: one row per size, largest last. */
export function photosTable(result: UserProfilePhotos): string {
  const rows: string[][] = []
  result.photos.forEach((sizes, i) => sizes.forEach((s) => rows.push(sizeRow(String(i), s))))
  const head = `total_count: ${result.total_count}, photos shown: ${result.photos.length}\n`
  return rows.length === 0 ? head : head + formatTable(['#', 'size', 'bytes', 'file_id'], rows)
}

function audioRow(index: number, a: Audio): string[] {
  const name = [a.performer, a.title].filter((x) => x !== undefined && x !== '').join(' - ') || (a.file_name ?? '')
  return [String(index), `${a.duration}s`, a.file_size === undefined ? '' : String(a.file_size), name, a.file_id]
}

/** The terminal view of a `UserProfileAudios`. */
export function audiosTable(result: UserProfileAudios): string {
  const head = `total_count: ${result.total_count}, audios shown: ${result.audios.length}\n`
  if (result.audios.length === 0) return head
  return head + formatTable(['#', 'duration', 'bytes', 'title', 'file_id'], result.audios.map((a, i) => audioRow(i, a)))
}

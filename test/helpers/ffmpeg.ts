/**
 * ffprobe/ffmpeg as an independent judge of the emulator's media. The tests that use them run when the tools are
 * installed; CI installs them and sets `TG_PROFILE_REQUIRE_FFMPEG=1`, which turns a missing tool into a failure
 * instead of a skip, so those checks cannot silently stop running.
 */
import { it } from '@jest/globals'
import { spawnSync } from 'node:child_process'

function hasTool(name: string): boolean {
  return spawnSync(name, ['-version'], { stdio: 'ignore' }).status === 0
}

/** true when both ffprobe and ffmpeg run. */
export const hasFfmpeg: boolean = hasTool('ffprobe') && hasTool('ffmpeg')

const required = process.env['TG_PROFILE_REQUIRE_FFMPEG'] === '1'

/** `it` when ffmpeg is there; a failing test when CI requires it; `it.skip` otherwise. */
export function ffmpegIt(name: string, fn: () => void | Promise<void>): void {
  if (hasFfmpeg) it(name, fn)
  else if (required) {
    it(name, () => {
      throw new Error('ffprobe/ffmpeg are required (TG_PROFILE_REQUIRE_FFMPEG=1) but not installed')
    })
  } else it.skip(name, fn)
}

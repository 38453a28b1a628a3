/**
 * Debian's `chromium` as the browser of the gallery tests, driven by playwright-core (which downloads nothing). The
 * tests run when the browser is installed; CI installs it and sets `TG_PROFILE_REQUIRE_CHROMIUM=1`, which turns a
 * missing browser into a failure instead of a skip. `TG_PROFILE_CHROMIUM` names another executable.
 */
import { it } from '@jest/globals'
import { spawnSync } from 'node:child_process'

function findChromium(): string | undefined {
  const given = process.env['TG_PROFILE_CHROMIUM']
  const candidates = given !== undefined && given !== '' ? [given] : ['chromium', 'chromium-browser']
  for (const name of candidates) {
    const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' })
    const path = found.stdout.trim()
    if (found.status === 0 && path !== '') return path
  }
  return undefined
}

/** The Chromium executable, when one is installed. */
export const chromiumPath: string | undefined = findChromium()

const required = process.env['TG_PROFILE_REQUIRE_CHROMIUM'] === '1'

/** `it` when Chromium is there; a failing test when CI requires it; `it.skip` (with a note) otherwise. */
export function chromiumIt(name: string, fn: (executable: string) => Promise<void>): void {
  if (chromiumPath !== undefined) {
    const executable = chromiumPath
    it(name, () => fn(executable))
  } else if (required) {
    it(name, () => {
      throw new Error('chromium is required (TG_PROFILE_REQUIRE_CHROMIUM=1) but not installed (apt-get install chromium)')
    })
  } else {
    process.stderr.write(`skipping "${name}": no chromium on PATH (apt-get install chromium, or set TG_PROFILE_CHROMIUM)\n`)
    it.skip(name, () => undefined)
  }
}

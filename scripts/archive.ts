/**
 * `npm run archive -- [users...] --out DIR [options]`: the same as `tg-profile archive`.
 */
import { HANDLERS } from '../src/cli/commands.js'
import { processIo } from '../src/cli/io.js'
import { runCli } from '../src/cli/run.js'

process.exitCode = await runCli(['archive', ...process.argv.slice(2)], processIo(), HANDLERS)

/**
 * `npm run archive -- [users...] --out DIR [options]`: the same as `tg-profile archive`.
 */
import { HANDLERS } from '../src/cli/commands.js'
import { exitOnceStopped, processIo } from '../src/cli/io.js'
import { runCli } from '../src/cli/run.js'

const io = processIo()
process.exitCode = await runCli(['archive', ...process.argv.slice(2)], io, HANDLERS)
exitOnceStopped(io, process.exitCode)

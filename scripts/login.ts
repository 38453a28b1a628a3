/**
 * `npm run login [-- --print-session]`: the same as `tg-profile login`.
 */
import { HANDLERS } from '../src/cli/commands.js'
import { exitOnceStopped, processIo } from '../src/cli/io.js'
import { runCli } from '../src/cli/run.js'

const io = processIo()
process.exitCode = await runCli(['login', ...process.argv.slice(2)], io, HANDLERS)
exitOnceStopped(io, process.exitCode)

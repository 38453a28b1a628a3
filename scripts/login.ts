/**
 * `npm run login [-- --print-session]`: the same as `tg-profile login`.
 */
import { HANDLERS } from '../src/cli/commands.js'
import { processIo } from '../src/cli/io.js'
import { runCli } from '../src/cli/run.js'

process.exitCode = await runCli(['login', ...process.argv.slice(2)], processIo(), HANDLERS)

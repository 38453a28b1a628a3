#!/usr/bin/env node
/**
 * The `tg-profile` command line: argv → library calls → Bot API envelopes. See `tg-profile --help`.
 */
// First: V8 settings that must precede the loading of everything else.
import './preload.js'
import { exitOnceStopped, processIo } from './io.js'
import { runCli } from './run.js'
import { HANDLERS } from './commands.js'

const io = processIo()
process.exitCode = await runCli(process.argv.slice(2), io, HANDLERS)
exitOnceStopped(io, process.exitCode)

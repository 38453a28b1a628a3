#!/usr/bin/env node
/**
 * The `tg-profile` command line: argv → library calls → Bot API envelopes. See `tg-profile --help`.
 */
import { processIo } from './io.js'
import { runCli } from './run.js'
import { HANDLERS } from './commands.js'

process.exitCode = await runCli(process.argv.slice(2), processIo(), HANDLERS)

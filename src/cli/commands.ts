import type { CommandName } from './args.js'
import type { CommandHandler } from './run.js'

/** Every wired command. Missing ones report "not available in this build yet" (exit 2). */
export const HANDLERS: Partial<Record<CommandName, CommandHandler>> = {}

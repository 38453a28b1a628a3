/**
 * Fixes for GramJS 2.26 bugs that real Telegram (and the emulator, which follows it) trigger. Each patches
 * `MTProtoSender.prototype` once, on import; every tg-profile entry point imports this module before a client
 * connects. See each module for the bug and the test that shows it.
 */
import './gramjs-container-fix.js'
import './gramjs-bad-key-fix.js'
import './gramjs-reconnect-fix.js'
// after the reconnect fix: its invoke runs first, so a failed first connect is retried as a whole connect
import './gramjs-first-connect-fix.js'
import './gramjs-forget.js'

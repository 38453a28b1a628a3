/**
 * Fixes for GramJS 2.26 bugs that real Telegram (and the emulator, which follows it) trigger. Each patches
 * `MTProtoSender.prototype` (the reconnect fix also `TelegramClient.prototype.invoke`) once, before a client
 * connects. See each module for the bug and the test that shows it.
 */
import { installAuthKeyFix } from './auth-key.js'
import { installBadKeyFix } from './bad-key.js'
import { installContainerFix } from './container.js'
import { installFirstConnectFix } from './first-connect.js'
import { installForgetFix } from './forget.js'
import { installReconnectFix } from './reconnect.js'

/** Applies every fix (each once; later calls do nothing). */
export function installFixes(): void {
  installAuthKeyFix()
  installContainerFix()
  installBadKeyFix()
  installReconnectFix()
  // after the reconnect fix: its invoke runs first, so a failed first connect is retried as a whole connect
  installFirstConnectFix()
  installForgetFix()
}

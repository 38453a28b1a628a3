/**
 * A fix for GramJS 2.26: `MTProtoSender._handleRPCResult` rethrows an RPC error after rejecting its request, and
 * `_handleContainer` does not catch it, so every message after an `rpc_error` in the same container is dropped.
 * Telegram (and the emulator) batch answers, so a `FLOOD_WAIT_X` for one request silently lost the successful
 * answers sent with it and those requests never settled. Here each inner message is processed, and the first error
 * is rethrown afterwards (the receive loop still sees it, e.g. AUTH_KEY_UNREGISTERED).
 *
 * GramJS binds its handlers when a sender is constructed, so this must run before any client connects: `install()`
 * applies it once.
 */
import { senderPrototype, type SenderInternals } from '../internals.js'

const proto = senderPrototype<{ __tgProfileContainerFix?: true }>()

/** Patches `MTProtoSender.prototype._handleContainer` (once; later calls do nothing). */
export function installContainerFix(): void {
  if (proto.__tgProfileContainerFix === true) return
  proto.__tgProfileContainerFix = true
  proto._handleContainer = async function (this: SenderInternals, message): Promise<void> {
    let failure: { error: unknown } | undefined
    for (const inner of message.obj.messages) {
      try {
        await this._processMessage(inner)
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }
}

/** Whether the fix is in place. */
export function gramjsContainerFixApplied(): boolean {
  return proto.__tgProfileContainerFix === true
}

/**
 * A fix for GramJS 2.26: `MTProtoSender._handleRPCResult` rethrows an RPC error after rejecting its request, and
 * `_handleContainer` does not catch it, so every message after an `rpc_error` in the same container is dropped.
 * Telegram (and the emulator) batch answers, so a `FLOOD_WAIT_X` for one request silently lost the successful
 * answers sent with it and those requests never settled. Here each inner message is processed, and the first error
 * is rethrown afterwards (the receive loop still sees it, e.g. AUTH_KEY_UNREGISTERED).
 *
 * GramJS binds its handlers when a sender is constructed, so this must run before any client connects: importing
 * this module applies it once.
 */
import { MTProtoSender } from 'telegram/network/index.js'

interface Message {
  obj: { messages: readonly unknown[] }
}

interface SenderInternals {
  _processMessage(message: unknown): Promise<void>
  _handleContainer(message: Message): Promise<void>
  __tgProfileContainerFix?: true
}

const proto = MTProtoSender.prototype as unknown as SenderInternals
if (proto.__tgProfileContainerFix !== true) {
  proto.__tgProfileContainerFix = true
  proto._handleContainer = async function (this: SenderInternals, message: Message): Promise<void> {
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

/** Whether the fix is in place (importing this module applies it). */
export function gramjsContainerFixApplied(): boolean {
  return proto.__tgProfileContainerFix === true
}

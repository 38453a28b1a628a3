/**
 * `help.getConfig`, `help.getNearestDc`, and the update state.
 *
 * No update ever happens in the emulated world, so `updates.getState` answers the same pts 1, qts 0, seq 0 (and the
 * current date) every time, and `updates.getDifference` from that state or an earlier one answers
 * `updates.differenceEmpty` (date now, seq 0); a pts or qts beyond it, or a date more than 30 s ahead, answers
 * `400 PERSISTENT_TIMESTAMP_INVALID`, Telegram's error for a state the server never gave.
 */
import type { TlObject } from '../tl/codec.js'
import { int, optInt } from '../tl/fields.js'
import { err, type AppCore, type Handler } from './core.js'
import { configObject } from './objects.js'

/** Every account's update state: no update ever happens in the emulated world. */
const UPDATE_STATE = { pts: 1, qts: 0, seq: 0 } as const

/** The help and updates handlers. */
export function helpHandlers(core: AppCore): Record<string, Handler> {
  const getDifference = (r: TlObject): TlObject => {
    if (int(r, 'pts') > UPDATE_STATE.pts || (optInt(r, 'qts') ?? 0) > UPDATE_STATE.qts || int(r, 'date') > core.nowSec() + 30) {
      throw err(400, 'PERSISTENT_TIMESTAMP_INVALID')
    }
    return { _: 'updates.differenceEmpty', date: core.nowSec(), seq: UPDATE_STATE.seq }
  }
  return {
    'help.getConfig': (_r, ctx) => configObject(ctx.dcId, ctx.dcs, core.nowSec()),
    'help.getNearestDc': (_r, ctx) => ({ _: 'nearestDc', country: 'NL', this_dc: ctx.dcId, nearest_dc: ctx.dcId }),
    'updates.getState': () => ({ _: 'updates.state', ...UPDATE_STATE, date: core.nowSec(), unread_count: 0 }),
    'updates.getDifference': getDifference,
  }
}

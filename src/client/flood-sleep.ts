/**
 * GramJS sleeps through a `FLOOD_WAIT` of up to `floodSleepThreshold` seconds inside `invoke`, unseen by its caller.
 * The archiver and the endpoint decide about flood waits themselves (schedule around them, wait within a budget, or
 * report them), so while either runs on a client its threshold is 0. Several may run on one client at once: the
 * client's own value comes back when the last of them ends.
 */

interface Hold {
  count: number
  readonly saved: number | undefined
}

const holds = new WeakMap<object, Hold>()

/**
 * Sets `client.floodSleepThreshold` to 0 until the returned release is called (once is enough; later calls do
 * nothing). A client without the property is left as it is.
 */
export function reportFloodWaits(client: object): () => void {
  const flood = client as { floodSleepThreshold?: number }
  if (flood.floodSleepThreshold === undefined) return () => {}
  let hold = holds.get(client)
  if (hold === undefined) {
    hold = { count: 0, saved: flood.floodSleepThreshold }
    holds.set(client, hold)
  }
  hold.count++
  flood.floodSleepThreshold = 0
  let released = false
  return () => {
    if (released || hold === undefined) return
    released = true
    if (--hold.count > 0) return
    holds.delete(client)
    flood.floodSleepThreshold = hold.saved
  }
}

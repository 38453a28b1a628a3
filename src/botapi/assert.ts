/**
 * Narrowing TL unions with an assertion that names its context, instead of a silent cast.
 */

/** A constructor of a TL class (GramJS classes, or the ones in `src/tl`). */
export type TlClass<T> = abstract new (...args: never[]) => T

/**
 * Asserts that `value` is an instance of `cls`, or throws a `TypeError` naming `context` and what arrived.
 *
 * @example assertTypeIs('getUserProfilePhotos', result, Api.photos.PhotosSlice)
 */
export function assertTypeIs<T>(context: string, value: unknown, ...classes: TlClass<T>[]): asserts value is T {
  if (classes.some((cls) => value instanceof cls)) return
  const got =
    typeof value === 'object' && value !== null && 'className' in value ? String(value.className) : typeof value
  const want = classes.map((c) => c.name).join(' | ')
  throw new TypeError(`${context}: expected ${want}, got ${got}`)
}

/**
 * The API layers the emulator answers in. Its objects are serialized with the TL classes of GramJS's bundled schema,
 * so it speaks exactly that layer; a client that declared another layer (`invokeWithLayer`) would receive
 * constructors it may not know. Such a client is refused where Telegram refuses a client it cannot serve, at login,
 * with `406 UPDATE_APP_TO_LOGIN`, rather than sent an object it cannot parse.
 */
import { LAYER } from 'telegram/tl/AllTLObjects.js'

/** The lowest and highest layer the emulator answers in. */
export const SERVED_LAYERS: { readonly min: number; readonly max: number } = { min: LAYER, max: LAYER }

/** The methods that log a key in, refused for a layer outside {@link SERVED_LAYERS}. */
export const LOGIN_METHODS: ReadonlySet<string> = new Set([
  'auth.SendCode',
  'auth.SignIn',
  'auth.CheckPassword',
  'auth.ImportAuthorization',
])

/**
 * Whether a query of `method` from a session that declared `layer` is refused. A session that declared no layer is
 * served (as Telegram serves one, in its base layer).
 */
export function refusesLayer(method: string, layer: number | undefined): boolean {
  return layer !== undefined && LOGIN_METHODS.has(method) && (layer < SERVED_LAYERS.min || layer > SERVED_LAYERS.max)
}

/**
 * The two URL shapes of the Bot API, read as telegram-bot-api reads them (`HttpConnection::handle`): `/bot<token>/<method>`
 * for calls, `/file/bot<token>/<file_path>` for downloads. Method names are case-insensitive. `/bot<token>/test/<method>`
 * asks for Telegram's test environment, where telegram-bot-api logs the token in afresh; the account served here is
 * not there, so such a call is a route of its own (answered as a token the test environment does not know).
 */

/** Where a request goes. */
export type Route =
  | { readonly kind: 'method'; readonly token: string; readonly method: string }
  | { readonly kind: 'file'; readonly token: string; readonly filePath: string }
  | { readonly kind: 'test-dc'; readonly token: string }
  | { readonly kind: 'not-found' }

const NOT_FOUND: Route = { kind: 'not-found' }

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** The route of a request's path (without the query string). */
export function parseRoute(pathname: string): Route {
  const file = pathname.startsWith('/file/bot')
  const rest = pathname.slice(file ? '/file/bot'.length : '/bot'.length)
  if (!file && !pathname.startsWith('/bot')) return NOT_FOUND
  const slash = rest.indexOf('/')
  if (slash < 0) return NOT_FOUND
  const token = decoded(rest.slice(0, slash))
  const tail = decoded(rest.slice(slash + 1))
  if (token === undefined || tail === undefined) return NOT_FOUND
  if (file) return { kind: 'file', token, filePath: tail }
  // telegram-bot-api skips "/test" right after the token, then needs a "/": "/testX" is no route at all.
  if (tail.startsWith('test')) return tail.startsWith('test/') ? { kind: 'test-dc', token } : NOT_FOUND
  return { kind: 'method', token, method: tail.toLowerCase() }
}

/** The path as the access log shows it: the token replaced, so a log never holds a credential. */
export function redactPath(pathname: string): string {
  return pathname.replace(/^(\/(?:file\/)?bot)[^/]*/, '$1<token>')
}

/** Why telegram-bot-api refuses a token before asking anyone (`ClientManager::send`): true for a malformed one. */
export function malformedToken(token: string): boolean {
  const colon = token.indexOf(':')
  if (token === '' || token[0] === '0' || token.length > 80 || token.includes('/') || colon < 0) return true
  const id = token.slice(0, colon)
  if (!/^[0-9]{1,17}$/.test(id)) return true
  const n = Number(id)
  return n <= 0 || n >= 2 ** 54
}

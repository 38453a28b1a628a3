/** The Bot-API-compatible HTTP endpoint (`tg-profile serve`). */
export { startServer } from './server.js'
export { DEFAULT_HOST, DEFAULT_PORT, isLoopback } from './options.js'
export type { RunningServer, ServeOptions } from './options.js'
export { loadServeToken, tokenPathFor, createServeToken, tokensEqual } from './token.js'
export type { LoadServeTokenOptions, ServeToken } from './token.js'

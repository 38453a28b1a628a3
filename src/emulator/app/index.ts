/** The emulator's application layer: the seeded world's API methods, faults and stats. */
export { createApiApp, type ApiApp, type ApiAppOptions } from './api-app.js'
export { idsHash } from './objects.js'

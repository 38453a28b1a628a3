/**
 * Importing this module applies {@link install} (see `install.ts`): the entry points import it first, so that GramJS
 * is fixed before any client is created.
 */
import { install } from './install.js'

install()

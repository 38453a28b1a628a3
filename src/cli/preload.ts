/**
 * Imported first by the `tg-profile` command line (and the benchmark's archiver process, which stands for it), so that
 * it runs before GramJS and the rest are loaded: V8's young generation stays at its initial size from the start
 * (see `keepYoungGenerationSmall`).
 */
import { keepYoungGenerationSmall } from '../archive/memory.js'

keepYoungGenerationSmall()

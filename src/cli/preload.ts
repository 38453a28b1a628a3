/**
 * Imported first by the `tg-profile` command line (and the benchmark's archiver process, which stands for it), so that
 * it runs before GramJS and the rest are loaded and before any connection is made:
 *
 * - V8's young generation stays at its initial size from the start (see `keepYoungGenerationSmall`);
 * - GramJS's receive path is replaced (see `install` in src/gramjs) before the first socket opens: a socket connected
 *   earlier keeps GramJS's own reader, which copies everything received over and over (measured: 1.1 GiB of Buffers
 *   in 40 s on the home DC's connection, which had logged in before the archiver started).
 */
import { keepYoungGenerationSmall } from '../archive/memory.js'

keepYoungGenerationSmall()
const { install } = await import('../gramjs/install.js')
install()

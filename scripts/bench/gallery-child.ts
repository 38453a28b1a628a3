/** One `buildGallery` of the bench's `gallery` scenario in its own process: prints what it did as one JSON line. */
import { buildGallery } from '../../src/gallery/index.js'

const dir = process.argv[2]
if (dir === undefined) throw new Error('usage: gallery-child.js <archive dir>')
const started = performance.now()
const summary = await buildGallery(dir)
const wallMs = performance.now() - started
process.stdout.write(
  `${JSON.stringify({ wallMs, maxRssBytes: process.resourceUsage().maxRSS * 1024, users: summary.users, photos: summary.photos, files: summary.files })}\n`,
)

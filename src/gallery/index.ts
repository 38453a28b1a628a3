/** The static HTML gallery of an archive folder, built from its manifest. */
export { buildGallery } from './build.js'
export type { GalleryOptions, GallerySummary } from './build.js'
export type { WriteStats } from './write.js'

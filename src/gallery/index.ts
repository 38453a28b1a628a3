/** The static HTML gallery of an archive folder, built from its manifest. */
export { buildGallery } from './build.js'
export type { GalleryOptions, GallerySummary } from './build.js'
export type { WriteStats } from './write.js'
export { GalleryModel } from './model.js'
export type { GalleryUser, GalleryPhoto, GalleryAudio, GalleryFile, PhotoState } from './model.js'

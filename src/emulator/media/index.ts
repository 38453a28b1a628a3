export { encodeJpeg, insertJpegComment, ZIGZAG, type EncodedJpeg, type JpegOptions } from './jpeg.js'
export { renderAvatar, renderAvatarJpeg } from './avatar.js'
export { expandStrippedThumb, strippedThumb, STRIPPED_JPEG_HEADER, STRIPPED_JPEG_QUALITY } from './stripped.js'

import { encodeJpeg, type EncodedJpeg, type JpegOptions } from './jpeg.js'

/** mulberry32: a tiny deterministic PRNG, so a seed always renders the same avatar. */
function prng(seed: number): () => number {
  // Fold the bits above 2^32 in too (world seeds are `seed * 31 + variant`, which may exceed 32 bits).
  const s = Math.floor(Math.abs(seed))
  let a = (s >>> 0) ^ Math.imul(Math.floor(s / 4294967296) >>> 0, 0x9e3779b1) ^ (seed < 0 ? 0x5bd1e995 : 0)
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** HSL (h in turns, s and l in 0..1) to RGB bytes. */
function hsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + h * 12) % 12
    const a = s * Math.min(l, 1 - l)
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}

/**
 * Renders a deterministic avatar as packed RGB (`w * h * 3` bytes): a diagonal two-colour gradient, a soft disc and
 * a 5x5 mirror-symmetric block glyph (initials-like) in the middle. Same seed and size, same pixels.
 */
export function renderAvatar(seed: number, w: number, h: number): Uint8Array {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1)
    throw new RangeError(`renderAvatar: bad dimensions ${w}x${h}`)
  const rnd = prng(seed)
  const hue = rnd()
  const c0 = hsl(hue, 0.55, 0.62)
  const c1 = hsl((hue + 0.12 + rnd() * 0.15) % 1, 0.6, 0.42)
  const disc = hsl((hue + 0.5) % 1, 0.35, 0.92)
  const ink = hsl(hue, 0.5, 0.3)
  // The glyph: 5 columns, mirrored around the centre one; at least a few cells set.
  const glyph = new Uint8Array(25)
  for (let r = 0; r < 5; r++)
    for (let c = 0; c < 3; c++) {
      const on = rnd() < 0.5 ? 1 : 0
      glyph[r * 5 + c] = on
      glyph[r * 5 + 4 - c] = on
    }
  glyph[12] = 1

  const out = new Uint8Array(w * h * 3)
  const m = Math.min(w, h)
  const cx = w / 2
  const cy = h / 2
  const radius = m * 0.4
  const cell = (m * 0.5) / 5 // the glyph spans half the short side
  const gx0 = cx - cell * 2.5
  const gy0 = cy - cell * 2.5
  const span = w + h - 2 || 1
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const t = (x + y) / span
      let r = c0[0] + (c1[0] - c0[0]) * t
      let g = c0[1] + (c1[1] - c0[1]) * t
      let b = c0[2] + (c1[2] - c0[2]) * t
      const dx = x + 0.5 - cx
      const dy = y + 0.5 - cy
      // Anti-aliased disc edge over about one pixel.
      const cover = Math.max(0, Math.min(1, radius - Math.sqrt(dx * dx + dy * dy) + 0.5))
      if (cover > 0) {
        r += (disc[0] - r) * cover
        g += (disc[1] - g) * cover
        b += (disc[2] - b) * cover
      }
      const gc = Math.floor((x + 0.5 - gx0) / cell)
      const gr = Math.floor((y + 0.5 - gy0) / cell)
      if (gc >= 0 && gc < 5 && gr >= 0 && gr < 5 && glyph[gr * 5 + gc] === 1) {
        r = ink[0]
        g = ink[1]
        b = ink[2]
      }
      const i = (y * w + x) * 3
      out[i] = r
      out[i + 1] = g
      out[i + 2] = b
    }
  return out
}

/** {@link renderAvatar} encoded with {@link encodeJpeg}. */
export function renderAvatarJpeg(seed: number, w: number, h: number, opts: JpegOptions = {}): EncodedJpeg {
  return encodeJpeg(renderAvatar(seed, w, h), w, h, opts)
}

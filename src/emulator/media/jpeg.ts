/**
 * A small JPEG encoder for the emulator's world: baseline (SOF0) and progressive (SOF2: spectral selection, optionally
 * successive approximation) JFIF files with the standard (ITU-T T.81 Annex K) quantisation tables, so every photo
 * size the emulator serves is a real image of the dimensions it claims. Baseline files and progressive DC scans use
 * the Annex K Huffman tables; progressive AC scans get a table optimised per scan.
 *
 * The header layout (APP0, one DQT per table, SOF, four DHT segments, SOS) is exactly the one Telegram's stripped
 * thumbnails assume (see `stripped.ts`), so a quality-20 4:2:0 baseline encode can be stripped byte for byte.
 */

/** Options of {@link encodeJpeg}. */
export interface JpegOptions {
  /** libjpeg-style quality 1..100 scaling the Annex K tables. Default 80. */
  readonly quality?: number
  /** Progressive (SOF2) with spectral selection instead of baseline (SOF0). Default false. */
  readonly progressive?: boolean
  /**
   * Progressive only: also split coefficients by bit (successive approximation), with libjpeg's default
   * 10-scan script (`jpeg_simple_progression`). Default false: 5 spectral-selection scans.
   */
  readonly successiveApproximation?: boolean
  /** Chroma subsampling. Default `'4:2:0'`. */
  readonly subsampling?: '4:2:0' | '4:4:4'
}

/** An encoded JPEG. */
export interface EncodedJpeg {
  readonly bytes: Buffer
  /**
   * Progressive files only: the byte offset at which each scan's data ends, ascending, the way Telegram's
   * `photoSizeProgressive.sizes` lists them; the last one is the file length (it includes the EOI marker).
   */
  readonly scanEnds?: number[]
}

/** Natural (row-major) index of the coefficient at each zigzag position. */
export const ZIGZAG: readonly number[] = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
  47, 55, 62, 63,
]

// Annex K.1, natural order.
const STD_LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
]
const STD_CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99,
]

interface HuffSpec {
  readonly bits: readonly number[] // counts of codes of length 1..16
  readonly vals: readonly number[]
}

function range(from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i <= to; i++) out.push(i)
  return out
}
function rows(lows: number[], highs: number[]): number[] {
  const out: number[] = []
  for (const h of highs) for (const l of lows) out.push((h << 4) | l)
  return out
}

// Annex K.3.
const DC_LUMA: HuffSpec = { bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], vals: range(0, 11) }
const DC_CHROMA: HuffSpec = { bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], vals: range(0, 11) }
const AC_LUMA: HuffSpec = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  vals: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14,
    0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09,
    0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
    ...rows(range(4, 10), [3]),
    ...rows(range(3, 10), [4, 5, 6, 7, 8]),
    ...rows(range(2, 10), [9, 10, 11, 12, 13]),
    ...rows(range(1, 10), [14, 15]),
  ],
}
const AC_CHROMA: HuffSpec = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  vals: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32,
    0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16,
    0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a,
    ...rows(range(5, 10), [3]),
    ...rows(range(3, 10), [4, 5, 6, 7]),
    ...rows(range(2, 10), [8, 9, 10, 11, 12, 13, 14, 15]),
  ],
}

interface HuffTable {
  readonly code: Uint16Array
  readonly size: Uint8Array
}

function buildHuffTable(spec: HuffSpec): HuffTable {
  const code = new Uint16Array(256)
  const size = new Uint8Array(256)
  let c = 0
  let k = 0
  for (let len = 1; len <= 16; len++) {
    const n = spec.bits[len - 1] ?? 0
    for (let i = 0; i < n; i++) {
      const v = spec.vals[k++]!
      code[v] = c++
      size[v] = len
    }
    c <<= 1
  }
  return { code, size }
}

const HUFF_DC = [buildHuffTable(DC_LUMA), buildHuffTable(DC_CHROMA)] as const
const HUFF_AC = [buildHuffTable(AC_LUMA), buildHuffTable(AC_CHROMA)] as const

/** libjpeg's quality scaling of a base table (natural order), clamped to baseline's 1..255. */
function scaleTable(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)))
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - q * 2
  const out = new Uint8Array(64)
  for (let i = 0; i < 64; i++) out[i] = Math.min(255, Math.max(1, Math.floor((base[i]! * scale + 50) / 100)))
  return out
}

const AAN = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379]

/** Reciprocal divisors for the AAN float DCT output, in natural order. */
function divisors(q: Uint8Array): Float32Array {
  const out = new Float32Array(64)
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) out[r * 8 + c] = 1 / (q[r * 8 + c]! * AAN[r]! * AAN[c]! * 8)
  return out
}

/** In-place AAN forward DCT (libjpeg jfdctflt) of one 8x8 block of level-shifted samples. */
function fdct(d: Float32Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const step = pass === 0 ? 1 : 8 // pass 0: rows; pass 1: columns
    const stride = pass === 0 ? 8 : 1
    for (let i = 0; i < 8; i++) {
      const o = i * stride
      const d0 = d[o]!, d1 = d[o + step]!, d2 = d[o + 2 * step]!, d3 = d[o + 3 * step]!
      const d4 = d[o + 4 * step]!, d5 = d[o + 5 * step]!, d6 = d[o + 6 * step]!, d7 = d[o + 7 * step]!
      const t0 = d0 + d7, t7 = d0 - d7, t1 = d1 + d6, t6 = d1 - d6
      const t2 = d2 + d5, t5 = d2 - d5, t3 = d3 + d4, t4 = d3 - d4
      let t10 = t0 + t3
      const t13 = t0 - t3
      let t11 = t1 + t2
      let t12 = t1 - t2
      d[o] = t10 + t11
      d[o + 4 * step] = t10 - t11
      const z1 = (t12 + t13) * 0.707106781
      d[o + 2 * step] = t13 + z1
      d[o + 6 * step] = t13 - z1
      t10 = t4 + t5
      t11 = t5 + t6
      t12 = t6 + t7
      const z5 = (t10 - t12) * 0.382683433
      const z2 = 0.5411961 * t10 + z5
      const z4 = 1.306562965 * t12 + z5
      const z3 = t11 * 0.707106781
      const z11 = t7 + z3
      const z13 = t7 - z3
      d[o + 5 * step] = z13 + z2
      d[o + 3 * step] = z13 - z2
      d[o + step] = z11 + z4
      d[o + 7 * step] = z11 - z4
    }
  }
}

/** A growable byte sink with a JPEG entropy-coded-segment bit writer (0xFF byte stuffing). */
class ByteSink {
  private buf = new Uint8Array(4096)
  length = 0
  private acc = 0
  private nbits = 0

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.length + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }
  byte(b: number): void {
    this.ensure(1)
    this.buf[this.length++] = b & 0xff
  }
  u16(v: number): void {
    this.byte(v >> 8)
    this.byte(v)
  }
  bytes(b: ArrayLike<number>): void {
    this.ensure(b.length)
    for (let i = 0; i < b.length; i++) this.buf[this.length++] = b[i]! & 0xff
  }
  /** Appends the low `n` (≤ 16) bits of `v`, most significant first. */
  bits(v: number, n: number): void {
    this.acc = (this.acc << n) | (v & ((1 << n) - 1))
    this.nbits += n
    while (this.nbits >= 8) {
      this.nbits -= 8
      const b = (this.acc >> this.nbits) & 0xff
      this.byte(b)
      if (b === 0xff) this.byte(0)
    }
    this.acc &= (1 << this.nbits) - 1
  }
  /** Pads the last partial byte with 1-bits, as T.81 F.1.2.3 asks at the end of a scan. */
  flushBits(): void {
    if (this.nbits > 0) this.bits(0x7f, 8 - this.nbits)
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.length)
  }
}

function bitLength(v: number): number {
  let a = v < 0 ? -v : v
  let n = 0
  while (a) {
    n++
    a >>= 1
  }
  return n
}

/** Writes a value of category `n` (T.81 F.1.2.1): negative values as v - 1 in n bits. */
function emitValue(out: ByteSink, v: number, n: number): void {
  if (n) out.bits(v < 0 ? v - 1 : v, n)
}

function emitSymbol(out: ByteSink, t: HuffTable, sym: number): void {
  out.bits(t.code[sym]!, t.size[sym]!)
}

interface Component {
  readonly id: number
  readonly h: number
  readonly v: number
  readonly tq: number // quant table and Huffman table index (0 luma, 1 chroma)
  readonly blocksW: number // block grid covering whole MCUs
  readonly blocksH: number
  readonly usedW: number // blocks a non-interleaved scan visits (T.81 A.2.2)
  readonly usedH: number
  readonly coef: Int16Array // quantised coefficients, zigzag order, 64 per block, row-major over the block grid
}

function writeHeader(out: ByteSink, w: number, h: number, comps: Component[], q: Uint8Array[], progressive: boolean): void {
  out.u16(0xffd8)
  // APP0 JFIF 1.1, no units, 1:1 aspect, no thumbnail.
  out.u16(0xffe0)
  out.u16(16)
  out.bytes([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
  for (let t = 0; t < q.length; t++) {
    out.u16(0xffdb)
    out.u16(67)
    out.byte(t)
    for (let k = 0; k < 64; k++) out.byte(q[t]![ZIGZAG[k]!]!)
  }
  out.u16(progressive ? 0xffc2 : 0xffc0)
  out.u16(8 + 3 * comps.length)
  out.byte(8)
  out.u16(h)
  out.u16(w)
  out.byte(comps.length)
  for (const c of comps) out.bytes([c.id, (c.h << 4) | c.v, c.tq])
  const tables: [number, HuffSpec][] = [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
    [0x01, DC_CHROMA],
    [0x11, AC_CHROMA],
  ]
  for (const [tc, spec] of tables) writeDht(out, tc, spec)
}

function writeDht(out: ByteSink, tc: number, spec: HuffSpec): void {
  out.u16(0xffc4)
  out.u16(3 + 16 + spec.vals.length)
  out.byte(tc)
  out.bytes(spec.bits)
  out.bytes(spec.vals)
}

function writeSos(out: ByteSink, comps: Component[], ss: number, se: number, ah = 0, al = 0): void {
  out.u16(0xffda)
  out.u16(6 + 2 * comps.length)
  out.byte(comps.length)
  for (const c of comps) out.bytes([c.id, (c.tq << 4) | c.tq])
  out.bytes([ss, se, (ah << 4) | al])
}

/** Colour conversion, padding, subsampling, DCT and quantisation into per-component coefficient grids. */
function transform(rgb: Uint8Array, w: number, h: number, q: Uint8Array[], sub: '4:2:0' | '4:4:4'): Component[] {
  const hmax = sub === '4:2:0' ? 2 : 1
  const mcusX = Math.ceil(w / (8 * hmax))
  const mcusY = Math.ceil(h / (8 * hmax))
  const pw = mcusX * 8 * hmax
  const ph = mcusY * 8 * hmax
  const planes = [new Float32Array(pw * ph), new Float32Array(pw * ph), new Float32Array(pw * ph)]
  const [py, pcb, pcr] = planes as [Float32Array, Float32Array, Float32Array]
  for (let y = 0; y < ph; y++) {
    const sy = y < h ? y : h - 1 // edge replication
    for (let x = 0; x < pw; x++) {
      const sx = x < w ? x : w - 1
      const s = (sy * w + sx) * 3
      const r = rgb[s]!, g = rgb[s + 1]!, b = rgb[s + 2]!
      const i = y * pw + x
      py[i] = 0.299 * r + 0.587 * g + 0.114 * b - 128
      pcb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b
      pcr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b
    }
  }
  const comps: Component[] = []
  const block = new Float32Array(64)
  const div = q.map(divisors)
  for (let ci = 0; ci < 3; ci++) {
    const isLuma = ci === 0
    const f = isLuma ? 1 : hmax // downsampling factor
    const cw = pw / f
    const ch = ph / f
    let plane = planes[ci]!
    if (f === 2) {
      const small = new Float32Array(cw * ch)
      for (let y = 0; y < ch; y++)
        for (let x = 0; x < cw; x++) {
          const i = 2 * y * pw + 2 * x
          small[y * cw + x] = (plane[i]! + plane[i + 1]! + plane[i + pw]! + plane[i + pw + 1]!) * 0.25
        }
      plane = small
    }
    const blocksW = cw / 8
    const blocksH = ch / 8
    const coef = new Int16Array(blocksW * blocksH * 64)
    const dv = div[isLuma ? 0 : 1]!
    for (let by = 0; by < blocksH; by++)
      for (let bx = 0; bx < blocksW; bx++) {
        for (let r = 0; r < 8; r++) {
          const o = (by * 8 + r) * cw + bx * 8
          for (let c = 0; c < 8; c++) block[r * 8 + c] = plane[o + c]!
        }
        fdct(block)
        const base = (by * blocksW + bx) * 64
        for (let k = 0; k < 64; k++) {
          const n = ZIGZAG[k]!
          coef[base + k] = Math.round(block[n]! * dv[n]!)
        }
      }
    const sampling = isLuma ? hmax : 1
    comps.push({
      id: ci + 1,
      h: sampling,
      v: sampling,
      tq: isLuma ? 0 : 1,
      blocksW,
      blocksH,
      usedW: Math.ceil(Math.ceil((w * sampling) / hmax) / 8),
      usedH: Math.ceil(Math.ceil((h * sampling) / hmax) / 8),
      coef,
    })
  }
  return comps
}

function encodeDc(out: ByteSink, coef: Int16Array, base: number, pred: number, t: HuffTable, al = 0): number {
  const dc = coef[base]! >> al // point transform of DC: arithmetic shift (T.81 G.1.2.1)
  const diff = dc - pred
  const n = bitLength(diff)
  emitSymbol(out, t, n)
  emitValue(out, diff, n)
  return dc
}

/** AC coefficients 1..63 of one block (baseline); trailing zeros end with EOB. */
function encodeAc(out: ByteSink, coef: Int16Array, base: number, t: HuffTable): void {
  let run = 0
  for (let k = 1; k < 64; k++) {
    const v = coef[base + k]!
    if (v === 0) {
      run++
      continue
    }
    while (run > 15) {
      emitSymbol(out, t, 0xf0)
      run -= 16
    }
    const n = bitLength(v)
    emitSymbol(out, t, (run << 4) | n)
    emitValue(out, v, n)
    run = 0
  }
  if (run > 0) emitSymbol(out, t, 0x00)
}

/** Receives one Huffman symbol and its `n` extra bits. */
type Emit = (sym: number, extra: number, n: number) => void

/**
 * The symbol stream of a progressive AC first scan (T.81 G.1.2.2, no successive approximation) over the blocks a
 * non-interleaved scan visits: runs of blocks whose band is all zeros become one EOBn symbol.
 */
function acFirstScan(c: Component, ss: number, se: number, al: number, emit: Emit): void {
  let eobrun = 0
  const flushEob = (): void => {
    if (eobrun === 0) return
    const n = bitLength(eobrun) - 1
    emit(n << 4, eobrun - (1 << n), n)
    eobrun = 0
  }
  for (let by = 0; by < c.usedH; by++)
    for (let bx = 0; bx < c.usedW; bx++) {
      const base = (by * c.blocksW + bx) * 64
      let run = 0
      for (let k = ss; k <= se; k++) {
        const raw = c.coef[base + k]!
        // Point transform of AC: divide by 2^al, rounding toward zero (T.81 G.1.2.2).
        const v = raw < 0 ? -(-raw >> al) : raw >> al
        if (v === 0) {
          run++
          continue
        }
        flushEob()
        while (run > 15) {
          emit(0xf0, 0, 0)
          run -= 16
        }
        const n = bitLength(v)
        emit((run << 4) | n, v < 0 ? v - 1 : v, n)
        run = 0
      }
      if (run > 0) {
        eobrun++
        if (eobrun === 0x7fff) flushEob()
      }
    }
  flushEob()
}

/**
 * The stream of a progressive AC refinement scan (T.81 G.1.2.3, the libjpeg `encode_mcu_AC_refine` way): one
 * correction bit for every coefficient already nonzero, and run/size-1 symbols plus a sign bit for the ones that
 * become nonzero at bit `al`. Correction bits are held back until the symbol they follow is written. `sym` -1 marks
 * raw bits.
 */
function acRefineScan(c: Component, ss: number, se: number, al: number, emit: Emit): void {
  let eobrun = 0
  let held: number[] = [] // correction bits of the blocks in the pending EOB run
  const abs = new Int32Array(64)
  const flushEob = (): void => {
    if (eobrun === 0) return
    const n = bitLength(eobrun) - 1
    emit(n << 4, eobrun - (1 << n), n)
    eobrun = 0
    for (const b of held) emit(-1, b, 1)
    held = []
  }
  for (let by = 0; by < c.usedH; by++)
    for (let bx = 0; bx < c.usedW; bx++) {
      const base = (by * c.blocksW + bx) * 64
      let eob = 0 // last position that becomes nonzero in this scan
      for (let k = ss; k <= se; k++) {
        const raw = c.coef[base + k]!
        const a = (raw < 0 ? -raw : raw) >> al
        abs[k] = a
        if (a === 1) eob = k
      }
      let run = 0
      let corr: number[] = []
      for (let k = ss; k <= se; k++) {
        const a = abs[k]!
        if (a === 0) {
          run++
          continue
        }
        // ZRLs only when a newly nonzero coefficient follows; otherwise the run folds into the EOB.
        while (run > 15 && k <= eob) {
          flushEob()
          emit(0xf0, 0, 0)
          run -= 16
          for (const b of corr) emit(-1, b, 1)
          corr = []
        }
        if (a > 1) {
          corr.push(a & 1)
          continue
        }
        flushEob()
        emit((run << 4) | 1, c.coef[base + k]! < 0 ? 0 : 1, 1)
        for (const b of corr) emit(-1, b, 1)
        corr = []
        run = 0
      }
      if (run > 0 || corr.length > 0) {
        eobrun++
        for (const b of corr) held.push(b)
        // libjpeg's bound on held-back bits (MAX_CORR_BITS 1000), and EOBRUN's own limit.
        if (eobrun === 0x7fff || held.length > 1000 - 64 + 1) flushEob()
      }
    }
  flushEob()
}

/** Code lengths for the given symbol counts, limited to 16 bits (T.81 Annex K.2, figures K.1–K.4). */
function optimalHuffman(counts: Uint32Array): HuffSpec {
  const freq = new Float64Array(257)
  freq.set(counts)
  freq[256] = 1 // reserved so that no code is all ones
  const codesize = new Int32Array(257)
  const others = new Int32Array(257).fill(-1)
  for (;;) {
    let v1 = -1
    let v2 = -1
    for (let i = 0; i < 257; i++)
      if (freq[i]! > 0 && (v1 < 0 || freq[i]! <= freq[v1]!)) v1 = i
    for (let i = 0; i < 257; i++)
      if (freq[i]! > 0 && i !== v1 && (v2 < 0 || freq[i]! <= freq[v2]!)) v2 = i
    if (v2 < 0) break
    freq[v1] = freq[v1]! + freq[v2]!
    freq[v2] = 0
    codesize[v1]!++
    while (others[v1]! >= 0) {
      v1 = others[v1]!
      codesize[v1]!++
    }
    others[v1] = v2
    codesize[v2]!++
    while (others[v2]! >= 0) {
      v2 = others[v2]!
      codesize[v2]!++
    }
  }
  const bits = new Int32Array(33)
  for (let i = 0; i < 257; i++) if (codesize[i]! > 0) bits[codesize[i]!]!++
  for (let i = 32; i > 16; i--)
    while (bits[i]! > 0) {
      let j = i - 2
      while (bits[j] === 0) j--
      bits[i] = bits[i]! - 2
      bits[i - 1]!++
      bits[j + 1] = bits[j + 1]! + 2
      bits[j]!--
    }
  let last = 16
  while (bits[last] === 0) last--
  bits[last]!-- // drop the reserved symbol's code
  const vals: number[] = []
  for (let len = 1; len <= 32; len++) for (let v = 0; v < 256; v++) if (codesize[v] === len) vals.push(v)
  return { bits: [...bits.subarray(1, 17)], vals }
}

/**
 * Interleaved scan over whole MCUs (all components): the whole baseline scan, or a progressive DC scan — the first
 * (`ah` 0, coefficients shifted right by `al`) or a refinement (`ah` > 0: one raw bit per block, bit `al`).
 */
function interleavedScan(out: ByteSink, comps: Component[], withAc: boolean, ah = 0, al = 0): void {
  const first = comps[0]!
  const mcusX = first.blocksW / first.h
  const mcusY = first.blocksH / first.v
  const preds = comps.map(() => 0)
  for (let my = 0; my < mcusY; my++)
    for (let mx = 0; mx < mcusX; mx++)
      for (let ci = 0; ci < comps.length; ci++) {
        const c = comps[ci]!
        for (let v = 0; v < c.v; v++)
          for (let u = 0; u < c.h; u++) {
            const base = ((my * c.v + v) * c.blocksW + mx * c.h + u) * 64
            if (ah > 0) out.bits((c.coef[base]! >> al) & 1, 1)
            else preds[ci] = encodeDc(out, c.coef, base, preds[ci]!, HUFF_DC[c.tq === 0 ? 0 : 1], al)
            if (withAc) encodeAc(out, c.coef, base, HUFF_AC[c.tq === 0 ? 0 : 1])
          }
      }
  out.flushBits()
}

/**
 * Encodes packed 8-bit RGB (`w * h * 3` bytes) as a JFIF file.
 *
 * Progressive files use the scan script: DC of all components (interleaved), Y 1–5, Cb 1–63, Cr 1–63, Y 6–63
 * (or libjpeg's 10 scans with `successiveApproximation`); each AC scan is preceded by a DHT with a Huffman table optimised for it (so it can use EOB runs).
 */
export function encodeJpeg(rgb: Uint8Array, w: number, h: number, opts: JpegOptions = {}): EncodedJpeg {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 65535 || h > 65535)
    throw new RangeError(`encodeJpeg: bad dimensions ${w}x${h}`)
  if (rgb.length < w * h * 3) throw new RangeError(`encodeJpeg: need ${w * h * 3} RGB bytes, got ${rgb.length}`)
  const quality = opts.quality ?? 80
  const progressive = opts.progressive ?? false
  const q = [scaleTable(STD_LUMA_Q, quality), scaleTable(STD_CHROMA_Q, quality)]
  const comps = transform(rgb, w, h, q, opts.subsampling ?? '4:2:0')
  const out = new ByteSink()
  writeHeader(out, w, h, comps, q, progressive)
  if (!progressive) {
    writeSos(out, comps, 0, 63)
    interleavedScan(out, comps, true)
    out.u16(0xffd9)
    return { bytes: out.toBuffer() }
  }
  const scanEnds: number[] = []
  const [y, cb, cr] = comps as [Component, Component, Component]
  // [components, Ss, Se, Ah, Al]
  const script: [Component[], number, number, number, number][] = opts.successiveApproximation
    ? [
        [comps, 0, 0, 0, 1],
        [[y], 1, 5, 0, 2],
        [[cr], 1, 63, 0, 1],
        [[cb], 1, 63, 0, 1],
        [[y], 6, 63, 0, 2],
        [[y], 1, 63, 2, 1],
        [comps, 0, 0, 1, 0],
        [[cr], 1, 63, 1, 0],
        [[cb], 1, 63, 1, 0],
        [[y], 1, 63, 1, 0],
      ]
    : [
        [comps, 0, 0, 0, 0],
        [[y], 1, 5, 0, 0],
        [[cb], 1, 63, 0, 0],
        [[cr], 1, 63, 0, 0],
        [[y], 6, 63, 0, 0],
      ]
  for (const [cs, ss, se, ah, al] of script) {
    if (ss === 0) {
      writeSos(out, cs, 0, 0, ah, al)
      interleavedScan(out, cs, false, ah, al)
    } else {
      // Two passes: count symbols, then write the scan with a Huffman table made for it (the standard AC tables
      // have no EOBRUN symbols, and runs of empty bands are what keeps progressive files as small as baseline ones).
      const c = cs[0]!
      const scan = ah === 0 ? acFirstScan : acRefineScan
      const freq = new Uint32Array(256)
      scan(c, ss, se, al, (sym) => {
        if (sym >= 0) freq[sym]!++
      })
      const spec = optimalHuffman(freq)
      const t = buildHuffTable(spec)
      writeDht(out, 0x10 | c.tq, spec)
      writeSos(out, cs, ss, se, ah, al)
      scan(c, ss, se, al, (sym, extra, n) => {
        if (sym >= 0) emitSymbol(out, t, sym)
        if (n) out.bits(extra, n)
      })
    }
    out.flushBits()
    scanEnds.push(out.length)
  }
  out.u16(0xffd9)
  scanEnds[scanEnds.length - 1] = out.length
  return { bytes: out.toBuffer(), scanEnds }
}

/**
 * Inserts a COM (0xFFFE) segment right after SOI; the result is `4 + comment.length` bytes longer and still a valid
 * JPEG (offsets such as `scanEnds` shift by the same amount).
 */
export function insertJpegComment(jpeg: Uint8Array, comment: Uint8Array): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('insertJpegComment: not a JPEG (no SOI)')
  if (comment.length > 65533) throw new RangeError('insertJpegComment: comment longer than 65533 bytes')
  const len = comment.length + 2
  return Buffer.concat([
    Buffer.from(jpeg.subarray(0, 2)),
    Buffer.from([0xff, 0xfe, len >> 8, len & 0xff]),
    Buffer.from(comment),
    Buffer.from(jpeg.subarray(2)),
  ])
}

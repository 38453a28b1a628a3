/**
 * A tiny H.264 (ISO/IEC 14496-10) encoder for the emulator's video avatars: Constrained Baseline profile, CAVLC,
 * every picture an IDR made only of I_PCM macroblocks (mb_type 25: raw 8-bit samples, no prediction, transform or
 * entropy coding). The output decodes with any conforming decoder; it is large (~1.5 bytes per pixel) but exact.
 */

/** Writes bits MSB-first, with the Exp-Golomb codes of §9.1. */
export class BitWriter {
  private readonly bytes: number[] = []
  private cur = 0
  private nbits = 0

  /** Appends the `n` (≤ 32) low bits of `value`, most significant first. */
  u(n: number, value: number): this {
    for (let i = n - 1; i >= 0; i--) this.bit((value >>> i) & 1)
    return this
  }

  /** One bit. */
  bit(b: number): this {
    this.cur = (this.cur << 1) | (b & 1)
    this.nbits++
    if (this.nbits === 8) {
      this.bytes.push(this.cur)
      this.cur = 0
      this.nbits = 0
    }
    return this
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): this {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`ue(v) needs a non-negative integer, got ${value}`)
    const v = value + 1
    const len = 32 - Math.clz32(v)
    this.u(len - 1, 0)
    return this.u(len, v)
  }

  /** se(v): signed Exp-Golomb (k > 0 → 2k−1, k ≤ 0 → −2k). */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value)
  }

  /** True when the next bit starts a byte. */
  get aligned(): boolean {
    return this.nbits === 0
  }

  /** Zero bits up to the next byte boundary (e.g. pcm_alignment_zero_bit). */
  alignZero(): this {
    while (this.nbits !== 0) this.bit(0)
    return this
  }

  /** Whole bytes; the writer must be byte-aligned. */
  bytesAligned(data: Uint8Array): this {
    if (this.nbits !== 0) throw new Error('BitWriter.bytesAligned: not byte-aligned')
    for (const b of data) this.bytes.push(b)
    return this
  }

  /** rbsp_trailing_bits(): a stop bit then zero bits to the byte boundary. */
  trailing(): this {
    this.bit(1)
    return this.alignZero()
  }

  /** The bytes written so far; the writer must be byte-aligned. */
  finish(): Buffer {
    if (this.nbits !== 0) throw new Error('BitWriter.finish: not byte-aligned')
    return Buffer.from(this.bytes)
  }
}

/**
 * Wraps an RBSP into a NAL unit (§7.3.1): the one-byte header, then the payload with an emulation_prevention_three_byte
 * inserted wherever two zero bytes would be followed by a byte ≤ 3.
 */
export function nalUnit(nalRefIdc: number, nalUnitType: number, rbsp: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + rbsp.length + Math.ceil(rbsp.length / 2) + 1)
  let o = 0
  out[o++] = ((nalRefIdc & 3) << 5) | (nalUnitType & 0x1f)
  let zeros = 0
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out[o++] = 3
      zeros = 0
    }
    out[o++] = b
    zeros = b === 0 ? zeros + 1 : 0
  }
  // A NAL unit may not end in 0x00 (cabac_zero_words aside); our RBSPs end in a stop bit, so this never triggers.
  return out.subarray(0, o)
}

/** NAL unit types used here (Table 7-1). */
export const NAL_IDR_SLICE = 5
export const NAL_SPS = 7
export const NAL_PPS = 8

/** profile_idc of the Baseline profile; with constraint_set0+1 it is Constrained Baseline. */
export const H264_PROFILE_BASELINE = 66
/** constraint_set0_flag and constraint_set1_flag set, the rest zero. */
export const H264_CONSTRAINT_FLAGS = 0xc0
/** log2_max_frame_num_minus4 written in the SPS (frame_num is then 4 bits wide). */
const LOG2_MAX_FRAME_NUM_MINUS4 = 0

/** Table A-1 rows used for level choice: level_idc, MaxMBPS (MB/s), MaxFS (MBs), MaxBR (kbit/s, ×1000 bit/s), MinCR. */
const LEVELS: readonly (readonly [number, number, number, number, number])[] = [
  [10, 1485, 99, 64, 2],
  [11, 3000, 396, 192, 2],
  [12, 6000, 396, 384, 2],
  [13, 11880, 396, 768, 2],
  [20, 11880, 396, 2000, 2],
  [21, 19800, 792, 4000, 2],
  [22, 20250, 1620, 4000, 2],
  [30, 40500, 1620, 10000, 2],
  [31, 108000, 3600, 14000, 4],
  [32, 216000, 5120, 20000, 4],
  [40, 245760, 8192, 20000, 4],
  [41, 245760, 8192, 50000, 2],
  [42, 522240, 8704, 50000, 2],
  [50, 589824, 22080, 135000, 2],
  [51, 983040, 36864, 240000, 2],
]

/** Upper bound of the bits one I_PCM macroblock takes: ue(25) (9 bits), ≤ 7 alignment bits, 384 samples. */
const I_PCM_MB_BITS = 9 + 7 + 384 * 8

/**
 * level_idc for an all-I_PCM stream of `width`×`height` at `fps`: the smallest level of Table A-1 whose frame size
 * (MaxFS), macroblock rate (MaxMBPS), bit rate (MaxBR) and access-unit size (384 × MaxMBPS / fps / MinCR bytes, A.3.1)
 * all admit it; 51 when none does (decoders take the stream regardless).
 */
export function h264LevelFor(width: number, height: number, fps = 10): number {
  const mbs = (width / 16) * (height / 16)
  const frameBits = mbs * I_PCM_MB_BITS + 64
  for (const [level, maxMbps, maxFs, maxBrKbps, minCr] of LEVELS) {
    if (mbs > maxFs || mbs * fps > maxMbps) continue
    if (frameBits * fps > maxBrKbps * 1000) continue
    if (frameBits / 8 > (384 * maxMbps) / fps / minCr) continue
    return level
  }
  return 51
}

/** Validates a frame size in luma samples: positive multiples of 16. */
export function assertMbAligned(width: number, height: number): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v <= 0 || v % 16 !== 0 || v > 4096) {
      throw new RangeError(`H.264 ${name} must be a positive multiple of 16 up to 4096, got ${v}`)
    }
  }
}

/** The sequence parameter set NAL unit (§7.3.2.1.1) for frames of `width`×`height` luma samples at `fps`. */
export function makeSps(width: number, height: number, fps = 10): Buffer {
  assertMbAligned(width, height)
  const w = new BitWriter()
  w.u(8, H264_PROFILE_BASELINE)
  w.u(8, H264_CONSTRAINT_FLAGS)
  w.u(8, h264LevelFor(width, height, fps))
  w.ue(0) // seq_parameter_set_id
  w.ue(LOG2_MAX_FRAME_NUM_MINUS4)
  w.ue(2) // pic_order_cnt_type 2: output order = decoding order
  w.ue(1) // max_num_ref_frames
  w.bit(0) // gaps_in_frame_num_value_allowed_flag
  w.ue(width / 16 - 1) // pic_width_in_mbs_minus1
  w.ue(height / 16 - 1) // pic_height_in_map_units_minus1
  w.bit(1) // frame_mbs_only_flag
  w.bit(1) // direct_8x8_inference_flag
  w.bit(0) // frame_cropping_flag
  w.bit(0) // vui_parameters_present_flag
  w.trailing()
  return nalUnit(3, NAL_SPS, w.finish())
}

/** The picture parameter set NAL unit (§7.3.2.2): CAVLC, one slice group, deblocking control present. */
export function makePps(): Buffer {
  const w = new BitWriter()
  w.ue(0) // pic_parameter_set_id
  w.ue(0) // seq_parameter_set_id
  w.bit(0) // entropy_coding_mode_flag: CAVLC
  w.bit(0) // bottom_field_pic_order_in_frame_present_flag
  w.ue(0) // num_slice_groups_minus1
  w.ue(0) // num_ref_idx_l0_default_active_minus1
  w.ue(0) // num_ref_idx_l1_default_active_minus1
  w.bit(0) // weighted_pred_flag
  w.u(2, 0) // weighted_bipred_idc
  w.se(0) // pic_init_qp_minus26
  w.se(0) // pic_init_qs_minus26
  w.se(0) // chroma_qp_index_offset
  w.bit(1) // deblocking_filter_control_present_flag
  w.bit(0) // constrained_intra_pred_flag
  w.bit(0) // redundant_pic_cnt_present_flag
  w.trailing()
  return nalUnit(3, NAL_PPS, w.finish())
}

/** One picture in 4:2:0 planar form: `y` is width×height, `cb` and `cr` are (width/2)×(height/2), row-major. */
export interface YuvFrame {
  readonly width: number
  readonly height: number
  readonly y: Uint8Array
  readonly cb: Uint8Array
  readonly cr: Uint8Array
}

/** mb_type of I_PCM in an I slice (Table 7-11). */
export const MB_TYPE_I_PCM = 25

/**
 * One IDR picture as a single I slice of I_PCM macroblocks (§7.3.3, §7.3.4, §7.3.5), returned as a NAL unit.
 * `idrPicId` must differ between consecutive IDR pictures.
 */
export function encodeIdrFrame(frame: YuvFrame, idrPicId: number): Buffer {
  const { width, height } = frame
  assertMbAligned(width, height)
  const w = new BitWriter()
  // slice_header()
  w.ue(0) // first_mb_in_slice
  w.ue(7) // slice_type 7: I, and every slice of the picture is I
  w.ue(0) // pic_parameter_set_id
  w.u(LOG2_MAX_FRAME_NUM_MINUS4 + 4, 0) // frame_num: 0 in an IDR picture
  w.ue(idrPicId & 0xffff) // idr_pic_id
  // dec_ref_pic_marking() for an IDR picture
  w.bit(0) // no_output_of_prior_pics_flag
  w.bit(0) // long_term_reference_flag
  w.se(0) // slice_qp_delta
  w.ue(1) // disable_deblocking_filter_idc: off (I_PCM has qP 0; nothing to filter)
  // slice_data(): CAVLC I slice, so no mb_skip_run; each macroblock_layer() is mb_type + raw samples.
  const mbW = width / 16
  const mbH = height / 16
  const cw = width / 2
  const luma = new Uint8Array(256)
  const chroma = new Uint8Array(128)
  for (let my = 0; my < mbH; my++) {
    for (let mx = 0; mx < mbW; mx++) {
      w.ue(MB_TYPE_I_PCM)
      w.alignZero() // pcm_alignment_zero_bit
      for (let yy = 0; yy < 16; yy++) {
        const row = (my * 16 + yy) * width + mx * 16
        for (let xx = 0; xx < 16; xx++) luma[yy * 16 + xx] = frame.y[row + xx] ?? 0
      }
      for (let yy = 0; yy < 8; yy++) {
        const row = (my * 8 + yy) * cw + mx * 8
        for (let xx = 0; xx < 8; xx++) {
          chroma[yy * 8 + xx] = frame.cb[row + xx] ?? 0
          chroma[64 + yy * 8 + xx] = frame.cr[row + xx] ?? 0
        }
      }
      w.bytesAligned(luma)
      w.bytesAligned(chroma)
    }
  }
  w.trailing() // rbsp_slice_trailing_bits()
  return nalUnit(3, NAL_IDR_SLICE, w.finish())
}

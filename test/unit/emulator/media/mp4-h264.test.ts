import { BitWriter, h264LevelFor, makePps, nalUnit } from '../../../../src/emulator/media/h264.js'

describe('BitWriter', () => {
  it('writes ue(v) as the Exp-Golomb codes of H.264 Table 9-2', () => {
    // 0 → 1, 1 → 010, 2 → 011, 3 → 00100, 7 → 0001000; concatenated and padded with the trailing stop bit.
    const bits = '1' + '010' + '011' + '00100' + '0001000'
    const w = new BitWriter().ue(0).ue(1).ue(2).ue(3).ue(7).trailing()
    const expected = (bits + '1').padEnd(Math.ceil((bits.length + 1) / 8) * 8, '0')
    expect([...w.finish()].map((b) => b.toString(2).padStart(8, '0')).join('')).toBe(expected)
  })

  it('maps se(v) k>0 → 2k−1 and k≤0 → −2k (Table 9-3)', () => {
    const a = new BitWriter().se(1).se(-1).se(2).se(0).trailing().finish()
    const b = new BitWriter().ue(1).ue(2).ue(3).ue(0).trailing().finish()
    expect(a.equals(b)).toBe(true)
  })

  it('refuses whole bytes off a byte boundary', () => {
    expect(() => new BitWriter().bit(1).bytesAligned(new Uint8Array([1]))).toThrow('BitWriter.bytesAligned: not byte-aligned')
  })
})

describe('nalUnit', () => {
  it('inserts emulation_prevention_three_byte after two zeros before a byte ≤ 3', () => {
    const rbsp = Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0x80])
    expect([...nalUnit(3, 5, rbsp)]).toEqual([0x65, 0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 0, 0, 4, 0x80])
  })

  it('writes the PPS as nal_ref_idc 3, type 8 with CAVLC and deblocking control', () => {
    // pps_id, sps_id: ue 0 = 1 1; entropy 0, bottom_field 0; slice groups, l0, l1: 1 1 1; weighted_pred 0 → 0xce.
    // bipred 00; qp, qs, chroma: se 0 = 1 1 1; deblocking 1, constrained 0, redundant 0 → 0x3c; stop bit → 0x80.
    const w = new BitWriter()
    w.ue(0).ue(0).bit(0).bit(0).ue(0).ue(0).ue(0).bit(0).u(2, 0).se(0).se(0).se(0).bit(1).bit(0).bit(0).trailing()
    expect(makePps().equals(Buffer.concat([Buffer.from([0x68]), w.finish()]))).toBe(true)
    expect([...makePps()]).toEqual([0x68, 0xce, 0x3c, 0x80])
  })
})

describe('h264LevelFor', () => {
  it('picks the smallest Table A-1 level whose frame size, MB rate and bit rate admit an I_PCM stream', () => {
    // 16×16 at 1 fps: 1 MB, ~3.1 kbit/s → level 1.
    expect(h264LevelFor(16, 16, 1)).toBe(10)
    // 176×144 (99 MBs) at 1 fps: ~306 kbit/s > 64 and > 192 → level 1.2 (384 kbit/s).
    expect(h264LevelFor(176, 144, 1)).toBe(12)
    // 640×640 (1600 MBs) at 10 fps: ~49.4 Mbit/s → level 4.1 (50 Mbit/s).
    expect(h264LevelFor(640, 640, 10)).toBe(41)
    // 640×640 at 30 fps: ~148 Mbit/s → level 5.1.
    expect(h264LevelFor(640, 640, 30)).toBe(51)
    // 1920×1088 at 10 fps: 8160 MBs, ~252 Mbit/s → over every level; 51 is the ceiling.
    expect(h264LevelFor(1920, 1088, 10)).toBe(51)
  })
})

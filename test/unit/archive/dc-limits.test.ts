import { Api } from 'telegram'
import { configNumber, DcSlots, SMALL_QUEUE_KEY } from '../../../src/archive/dc-limits.js'

const config = (entries: [string, Api.TypeJSONValue][]): Api.JsonObject =>
  new Api.JsonObject({ value: entries.map(([key, value]) => new Api.JsonObjectValue({ key, value })) })

describe('configNumber', () => {
  it('reads a positive integer under the key of the app config', () => {
    expect(configNumber(config([[SMALL_QUEUE_KEY, new Api.JsonNumber({ value: 5 })]]), SMALL_QUEUE_KEY)).toBe(5)
  })

  it('ignores a missing key, another type, and numbers no limit can be', () => {
    expect(configNumber(config([]), SMALL_QUEUE_KEY)).toBeUndefined()
    expect(configNumber(config([[SMALL_QUEUE_KEY, new Api.JsonString({ value: '5' })]]), SMALL_QUEUE_KEY)).toBeUndefined()
    for (const value of [0, -1, 2.5]) expect(configNumber(config([[SMALL_QUEUE_KEY, new Api.JsonNumber({ value })]]), SMALL_QUEUE_KEY)).toBeUndefined()
    expect(configNumber(new Api.JsonNull(), SMALL_QUEUE_KEY)).toBeUndefined()
  })
})

describe('DcSlots', () => {
  it('gives each DC its own slots', async () => {
    const slots = new DcSlots(1)
    const a = await slots.of(1).acquire()
    let second = false
    void slots.of(1).acquire().then(() => (second = true))
    const other = await slots.of(2).acquire()
    await new Promise((r) => setImmediate(r))
    expect(second).toBe(false)
    a()
    await new Promise((r) => setImmediate(r))
    expect(second).toBe(true)
    other()
  })
})

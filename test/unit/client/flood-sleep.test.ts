import { reportFloodWaits } from '../../../src/client/flood-sleep.js'

describe('reportFloodWaits', () => {
  it('sets the threshold to 0 and restores it when the last holder releases', () => {
    const client = { floodSleepThreshold: 60 }
    const archive = reportFloodWaits(client)
    const serve = reportFloodWaits(client)
    expect(client.floodSleepThreshold).toBe(0)
    archive()
    archive()
    expect(client.floodSleepThreshold).toBe(0)
    serve()
    expect(client.floodSleepThreshold).toBe(60)
  })

  it('leaves a client without the property as it is', () => {
    const client = {}
    reportFloodWaits(client)()
    expect(client).toEqual({})
  })
})

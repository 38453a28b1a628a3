/**
 * Key generation cannot deadlock: under Node 20, exporting a key object that `generateKeyPairSync` returned can hang
 * the process for good when a collection finalizes the generation job during the export (see `generateRsaKeyPair`;
 * the stack of a hung test worker showed `ExportJWK` → `CollectGarbage` → `~KeyGenJob` → `uv_mutex_lock`). Whether
 * a collection comes at that moment is chance, so the test checks the precondition instead: no such export happens.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'

const CHILD = resolve(process.cwd(), 'dist/test/unit/emulator/protocol/keygen-child.js')

describe('generateRsaKeyPair', () => {
  it('never exports a key object straight from generateKeyPairSync', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD, '3'], { timeout: 120_000 })
    expect(stdout).toBe('generated 3, exported 0\n')
  })
})

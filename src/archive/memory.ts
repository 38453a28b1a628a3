/**
 * Memory of a long archive run. A bulk download turns every megabyte file part into a few short-lived Buffers; their
 * memory (outside V8's heap) is only freed when the small JavaScript objects that own them are collected. V8 grows
 * its young generation under a high allocation rate (to 2 × 16 MiB by default), so tens of megabytes of dead parts
 * can wait for a collection and, once freed, stay in the allocator's arenas: the process's resident size rises for
 * nothing.
 */
import { setFlagsFromString } from 'node:v8'

/**
 * Keeps V8's young generation at the size it has now (initially 2 × 1 MiB) for the rest of the process:
 * `--semi-space-growth-factor=1` is read each time V8 would grow it, so it takes effect at run time (unlike
 * `--max-semi-space-size`, read only at start-up). Process-wide and idempotent.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}

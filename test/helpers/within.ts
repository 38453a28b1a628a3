/**
 * What `promise` settles to, or `fallback` when it has not settled after `ms` milliseconds: a test that would wait
 * forever on a lost answer fails on its assertion instead of on Jest's timeout. The timer is cleared either way.
 */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

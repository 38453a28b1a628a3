/** The root of every error this library throws: `catch (e) { if (e instanceof TgProfileError) … }`. */
export class TgProfileError extends Error {
  override name = 'TgProfileError'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

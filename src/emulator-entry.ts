/**
 * The `tg-profile/emulator` entry point: the loopback emulator, and the client helpers that point an unmodified
 * GramJS client at it. The emulator itself knows nothing of the client side (it imports only the spec and TL), so
 * the two meet here, at the top, like the CLI's `start` and `emulator` commands.
 */
export * from './emulator/index.js'
export {
  createEmulatorClient,
  loginToEmulator,
  trustEmulatorKey,
  EmulatorTelegramClient,
  type EmulatorClientOptions,
} from './client/emulator.js'

/**
 * The emulator's protocol layer: transports, the auth-key exchange, MTProto 2.0 sessions and service messages.
 * {@link startDcServers} in `../server.ts` is the entry point; these exports serve tests and other tools.
 */
export {
  DH_G,
  DH_PRIME,
  aesIgeDecrypt,
  aesIgeEncrypt,
  authKeyIdOf,
  decryptMessage,
  encryptMessage,
  generateRsaKeyPair,
  rsaFingerprint,
  type RsaKeyPair,
} from './crypto.js'
export { Handshake, SALT_LIFETIME_S, type AuthKeyRecord, type AuthKeyStore } from './handshake.js'
export { ServerMsgIds } from './msg-id.js'
export { GZIP_MAX, GZIP_THRESHOLD, SEEN_MSG_IDS, ServerConnection, type ProtocolCounters } from './session.js'
export { MAX_PACKET, ServerTransport, TRANSPORT_ERROR, TransportViolation, type Framing } from './transport.js'

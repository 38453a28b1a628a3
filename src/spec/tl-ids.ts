/**
 * Constructor ids of MTProto's service objects (core.telegram.org/mtproto/serialize and /mtproto/service_messages),
 * which both the client's fast paths and the emulator's session layer read or write by hand.
 */
export const TL = {
  vector: 0x1cb5c415,
  boolTrue: 0x997275b5,
  boolFalse: 0xbc799737,
  msgContainer: 0x73f1f8dc,
  gzipPacked: 0x3072cfa1,
  rpcResult: 0xf35c6d01,
  rpcError: 0x2144ca19,
  msgsAck: 0x62d6b459,
  msgResendReq: 0x7d861a08,
  httpWait: 0x9299359f,
  futureSalts: 0xae500895,
} as const

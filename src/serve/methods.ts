/**
 * The Bot API methods the endpoint answers, by lower-cased name (telegram-bot-api matches names case-insensitively),
 * each reading its parameters the way telegram-bot-api does and calling the library.
 *
 * @see https://core.telegram.org/bots/api#available-methods
 */
import type { BotApiUser } from '../botapi/user.js'
import type { CallOptions } from '../client/deadline.js'
import type { ProfileClient } from '../client/invoke.js'
import { BotApiError, DESCRIPTIONS } from '../errors/index.js'
import { fileIdToLocation, getUserProfileAudios, getUserProfilePhotos, MAX_LIMIT } from '../methods/index.js'
import { filePathOf, uniqueIdOf } from './file-path.js'
import type { KnownFiles } from './known-files.js'
import { integerParam } from './params.js'
import type { Params } from './params.js'

/** What every method works with: the one shared client and what the endpoint knows. */
export interface MethodContext {
  readonly client: ProfileClient
  /** The account, as `getMe` answers it. */
  readonly me: BotApiUser
  readonly known: KnownFiles
}

/** One method: parameters in, the `result` of the envelope out. */
export type Method = (ctx: MethodContext, params: Params, call: CallOptions) => Promise<unknown>

const INT32_MAX = 0x7fffffff

/** The Bot API `File`. */
export interface BotApiFile {
  file_id: string
  file_unique_id: string
  file_size?: number
  file_path: string
}

/** `user_id` as given: a positive integer (the Bot API's), or, beyond the Bot API, a `@username`. */
function userIdParam(params: Params): string {
  return params.get('user_id')?.trim() ?? ''
}

const getUserProfilePhotosMethod: Method = async (ctx, params, call) => {
  const maxId = params.get('max_id')?.trim()
  const result = await getUserProfilePhotos(
    ctx.client,
    {
      user_id: userIdParam(params),
      offset: integerParam(params, 'offset', 0, 0, INT32_MAX),
      limit: integerParam(params, 'limit', MAX_LIMIT, 1, MAX_LIMIT),
      ...(maxId === undefined || maxId === '' ? {} : { max_id: maxId }),
    },
    call,
  )
  ctx.known.addPhotos(result, userIdParam(params))
  return result
}

const getUserProfileAudiosMethod: Method = async (ctx, params, call) => {
  const result = await getUserProfileAudios(
    ctx.client,
    {
      user_id: userIdParam(params),
      offset: integerParam(params, 'offset', 0, 0, INT32_MAX),
      limit: integerParam(params, 'limit', MAX_LIMIT, 1, MAX_LIMIT),
    },
    call,
  )
  ctx.known.addAudios(result, userIdParam(params))
  return result
}

/** `getFile` asks Telegram nothing: the file id names its location, the `file_path` carries the id. */
const getFileMethod: Method = (ctx, params) => {
  const fileId = params.get('file_id')?.trim() ?? ''
  if (fileId === '') throw new BotApiError(400, DESCRIPTIONS.invalidFileId)
  const { parsed } = fileIdToLocation(fileId)
  const known = ctx.known.get(fileId)
  const size = known?.size !== undefined && known.size > 0 ? { file_size: known.size } : {}
  const file: BotApiFile = { file_id: fileId, file_unique_id: uniqueIdOf(parsed), ...size, file_path: filePathOf(fileId, parsed, known?.extension) }
  return Promise.resolve(file)
}

/** Every method, by lower-cased name. */
export const METHODS: Readonly<Record<string, Method>> = {
  getme: (ctx) => Promise.resolve(ctx.me),
  getuserprofilephotos: getUserProfilePhotosMethod,
  getuserprofileaudios: getUserProfileAudiosMethod,
  getfile: getFileMethod,
}

/** The method named `name` (any case), if the endpoint has it. */
export function methodNamed(name: string): Method | undefined {
  return Object.hasOwn(METHODS, name) ? METHODS[name] : undefined
}

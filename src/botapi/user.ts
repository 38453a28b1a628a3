import type { Api } from 'telegram'

/** Bot API `User` of the logged-in account. */
export interface BotApiUser {
  id: number
  is_bot: boolean
  first_name: string
  last_name?: string
  username?: string
  language_code?: string
  is_premium?: true
}

/** Maps the account's own `Api.User` to the Bot API `User` shape (https://core.telegram.org/bots/api#user). */
export function toBotApiUser(user: Api.User): BotApiUser {
  const out: BotApiUser = { id: Number(user.id.toString()), is_bot: user.bot === true, first_name: user.firstName ?? '' }
  if (user.lastName) out.last_name = user.lastName
  if (user.username) out.username = user.username
  if (user.langCode) out.language_code = user.langCode
  if (user.premium === true) out.is_premium = true
  return out
}


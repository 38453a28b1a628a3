/**
 * interactiveLogin over GramJS's real sign-in flow (`client.start`), with the server's answers scripted in `invoke`:
 * a wrong answer counts as a failed attempt and the question is asked again; a prompt that itself fails (stdin
 * closed, cancelled) stops the login at once with its own error.
 */
import { Api, TelegramClient } from 'telegram'
import { StringSession } from 'telegram/sessions/index.js'
import { Logger } from 'telegram/extensions/index.js'
import { LogLevel } from 'telegram/extensions/Logger.js'
import { RPCError } from 'telegram/errors/index.js'
import bigInt from 'big-integer'
import { interactiveLogin, type LoginPrompts } from '../../../src/client/login.js'
import { LoginError } from '../../../src/errors/index.js'
import { NetworkError, TimeoutError } from '../../../src/errors/index.js'

const PHONE = '9996621234'
const CODE = '22222'
const ME = new Api.User({ id: bigInt(777000123), accessHash: bigInt(42), firstName: 'Ada', self: true })

/** A client that never connects: `invoke` answers like a server holding one account (with 2FA when `twoFa`). */
function scriptedClient(twoFa: boolean): { client: TelegramClient; invoked: string[] } {
  const client = new TelegramClient(new StringSession(''), 1, 'hash', { connectionRetries: 0, baseLogger: new Logger(LogLevel.NONE) })
  const invoked: string[] = []
  let signedIn = false
  Object.defineProperty(client, 'connected', { get: () => true })
  client.invoke = (async (request: Api.AnyRequest) => {
    invoked.push(request.className)
    if (request instanceof Api.updates.GetState) throw new RPCError('AUTH_KEY_UNREGISTERED', request, 401)
    if (request instanceof Api.auth.SendCode) {
      return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: 5 }), phoneCodeHash: 'h' })
    }
    if (request instanceof Api.auth.SignIn) {
      if (request.phoneCode !== CODE) throw new RPCError('PHONE_CODE_INVALID', request, 400)
      if (twoFa) throw new RPCError('SESSION_PASSWORD_NEEDED', request, 401)
      signedIn = true
      return new Api.auth.Authorization({ user: ME })
    }
    // Enough for the password question to be asked; no test here answers it.
    if (request instanceof Api.account.GetPassword) {
      return new Api.account.Password({
        hasPassword: true,
        newAlgo: new Api.PasswordKdfAlgoUnknown(),
        newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
        secureRandom: Buffer.alloc(32),
      })
    }
    if (request instanceof Api.users.GetUsers && signedIn) return [ME]
    throw new Error(`unscripted request ${request.className}`)
  }) as TelegramClient['invoke']
  return { client, invoked }
}

/** Prompts answering from fixed lists; each list's items are either an answer or an error to throw. */
function scriptedPrompts(answers: { phone?: (string | Error)[]; code?: (string | Error)[]; password?: (string | Error)[] }): {
  prompts: LoginPrompts
  asked: string[]
} {
  const asked: string[] = []
  const next = (name: 'phone' | 'code' | 'password') => async (): Promise<string> => {
    asked.push(name)
    const answer = answers[name]?.shift()
    if (answer === undefined) throw new Error(`no more ${name} answers`)
    if (answer instanceof Error) throw answer
    return answer
  }
  return { prompts: { phone: next('phone'), code: next('code'), password: next('password') }, asked }
}

describe('interactiveLogin', () => {
  it('reports a wrong code as one failed attempt, asks again and logs in', async () => {
    const { client, invoked } = scriptedClient(false)
    const { prompts, asked } = scriptedPrompts({ phone: [PHONE], code: ['00000', CODE] })
    const lines: string[] = []
    const me = await interactiveLogin(client, prompts, { report: (line) => lines.push(line) })
    expect(me.id.toString()).toBe('777000123')
    expect(asked).toEqual(['phone', 'code', 'code'])
    expect(lines).toEqual(['Error 400: Bad Request: PHONE_CODE_INVALID'])
    expect(invoked.filter((name) => name === 'auth.SignIn')).toHaveLength(2)
  })

  it('gives up with a LoginError after maxAttempts failed attempts', async () => {
    const { client } = scriptedClient(false)
    const { prompts, asked } = scriptedPrompts({ phone: [PHONE], code: ['00000', '11111', '33333', CODE] })
    const lines: string[] = []
    const login = interactiveLogin(client, prompts, { report: (line) => lines.push(line), maxAttempts: 3 })
    await expect(login).rejects.toThrow(new LoginError('login failed after 3 attempts'))
    await expect(login).rejects.toBeInstanceOf(LoginError)
    expect(asked).toEqual(['phone', 'code', 'code', 'code'])
    expect(lines).toHaveLength(3)
  })

  it('stops at once with the LoginError a code prompt throws, without counting it or asking again', async () => {
    const { client, invoked } = scriptedClient(false)
    const closed = new LoginError('login cancelled: standard input closed before the question was answered')
    const { prompts, asked } = scriptedPrompts({ phone: [PHONE], code: ['00000', closed, CODE] })
    const lines: string[] = []
    await expect(interactiveLogin(client, prompts, { report: (line) => lines.push(line) })).rejects.toBe(closed)
    expect(asked).toEqual(['phone', 'code', 'code'])
    expect(lines).toEqual(['Error 400: Bad Request: PHONE_CODE_INVALID'])
    // The failed prompt's answer is not replaced by the previous code: no second sign-in is attempted.
    expect(invoked.filter((name) => name === 'auth.SignIn')).toHaveLength(1)
  })

  it('stops at once with the LoginError a phone prompt throws', async () => {
    const { client, invoked } = scriptedClient(false)
    const closed = new LoginError('login cancelled')
    const { prompts, asked } = scriptedPrompts({ phone: [closed, PHONE] })
    const lines: string[] = []
    await expect(interactiveLogin(client, prompts, { report: (line) => lines.push(line) })).rejects.toBe(closed)
    expect(asked).toEqual(['phone'])
    expect(lines).toEqual([])
    expect(invoked).not.toContain('auth.SendCode')
  })

  it('stops at once with the LoginError a password prompt throws', async () => {
    const { client, invoked } = scriptedClient(true)
    const closed = new LoginError('login cancelled')
    const { prompts, asked } = scriptedPrompts({ phone: [PHONE], code: [CODE], password: [closed, 'secret'] })
    const lines: string[] = []
    await expect(interactiveLogin(client, prompts, { report: (line) => lines.push(line) })).rejects.toBe(closed)
    expect(asked).toEqual(['phone', 'code', 'password'])
    expect(lines).toEqual([])
    expect(invoked).not.toContain('auth.CheckPassword')
  })

  it('ends with the signal reason when aborted while a question waits for its answer', async () => {
    const { client } = scriptedClient(false)
    let asked = 0
    const waiting = (): Promise<string> => {
      asked++
      return new Promise<string>(() => undefined)
    }
    const controller = new AbortController()
    const reason = new Error('Ctrl-C')
    const login = interactiveLogin(client, { phone: waiting, code: waiting, password: waiting }, { signal: controller.signal })
    while (asked === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort(reason)
    await expect(login).rejects.toBe(reason)
  })

  it('fails with a TimeoutError when the authorization check is never answered', async () => {
    const { client } = scriptedClient(false)
    client.invoke = (() => new Promise<never>(() => undefined)) as TelegramClient['invoke']
    const { prompts, asked } = scriptedPrompts({ phone: [PHONE] })
    await expect(interactiveLogin(client, prompts, { timeoutMs: 10 })).rejects.toBeInstanceOf(TimeoutError)
    expect(asked).toEqual([])
  })

  it('reports an unreachable server as a network error, not as a session to log in again', async () => {
    const { client } = scriptedClient(false)
    client.invoke = (async () => {
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    }) as TelegramClient['invoke']
    const { prompts, asked } = scriptedPrompts({ phone: [PHONE] })
    await expect(interactiveLogin(client, prompts)).rejects.toBeInstanceOf(NetworkError)
    expect(asked).toEqual([])
  })
})

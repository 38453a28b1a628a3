import { intOption, parseCli, UsageError } from '../../../src/cli/args.js'

describe('parseCli', () => {
  it('takes the first non-option word as the command and keeps its positionals', () => {
    const cli = parseCli(['photos', '@durov', '--limit', '5', '--offset=2'])
    expect(cli.command).toBe('photos')
    expect(cli.positionals).toEqual(['@durov'])
    expect(cli.options.limit).toBe('5')
    expect(cli.options.offset).toBe('2')
  })

  it('accepts global options before the command, including ones with a value', () => {
    const cli = parseCli(['--session', 'my.session', '--emulator', 'conn.json', '--json', 'audios', 'alice'])
    expect(cli.command).toBe('audios')
    expect(cli.positionals).toEqual(['alice'])
    expect(cli.options.session).toBe('my.session')
    expect(cli.options.emulator).toBe('conn.json')
    expect(cli.options.json).toBe(true)
  })

  it('parses boolean and short options', () => {
    const cli = parseCli(['download', 'AgAD', '-o', 'out.jpg', '--force', '-v'])
    expect(cli.options.output).toBe('out.jpg')
    expect(cli.options.force).toBe(true)
    expect(cli.options.verbose).toBe(true)
  })

  it('returns no command for bare --help and --version', () => {
    expect(parseCli(['--help']).command).toBeUndefined()
    expect(parseCli(['--version']).options.version).toBe(true)
    expect(parseCli([]).command).toBeUndefined()
  })

  it('skips the positional count check with --help', () => {
    expect(parseCli(['photos', '--help']).options.help).toBe(true)
  })

  it('rejects an unknown command', () => {
    expect(() => parseCli(['frob'])).toThrow(new UsageError('unknown command "frob" (commands: login, whoami, photos, audios, download, archive, emulator, start, serve, gallery)'))
  })

  it('rejects an option the command does not know, naming the command', () => {
    let error: unknown
    try {
      parseCli(['audios', 'alice', '--max-id', '5'])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).command).toBe('audios')
    expect((error as UsageError).message).toContain("'--max-id'")
  })

  it('rejects a missing and an extra positional', () => {
    expect(() => parseCli(['photos'])).toThrow('missing argument for "photos"')
    expect(() => parseCli(['photos', 'a', 'b'])).toThrow('unexpected argument "b"')
    expect(() => parseCli(['whoami', 'x'])).toThrow('unexpected argument "x"')
  })

  it('lets archive take any number of users', () => {
    expect(parseCli(['archive', 'a', 'b', 'c', '--out', 'd']).positionals).toEqual(['a', 'b', 'c'])
  })
})

describe('intOption', () => {
  it('returns undefined when absent and the integer when present', () => {
    expect(intOption({}, 'limit')).toBeUndefined()
    expect(intOption({ limit: '42' }, 'limit')).toBe(42)
    expect(intOption({ offset: '-3' }, 'offset')).toBe(-3)
  })

  it('rejects non-integers and out-of-range values naming the option', () => {
    expect(() => intOption({ limit: '4.5' }, 'limit')).toThrow('--limit must be an integer')
    expect(() => intOption({ limit: 'ten' }, 'limit')).toThrow('--limit must be an integer')
    expect(() => intOption({ concurrency: '0' }, 'concurrency', 1, 64)).toThrow(
      '--concurrency must be an integer between 1 and 64',
    )
  })
})

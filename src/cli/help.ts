import type { CommandName } from './args.js'

const GLOBAL = `Global options:
  --emulator FILE   use the loopback emulator described by this connection file (env TG_EMULATOR)
  --session FILE    session file (env TG_SESSION_FILE; default ~/.config/tg-profile/session)
  --json            print the Bot API JSON envelope even on a terminal
  --timeout S       seconds each request waits for Telegram's answer (default 30); no command waits forever
  --verbose, -v     GramJS logs and error stacks on stderr
  --help, -h        this help
  --version         print the version

Ctrl-C (or SIGTERM) stops a command cleanly (an archive stays resumable); a second one quits at once.`

/** `tg-profile --help`. */
export const MAIN_HELP = `Usage: tg-profile <command> [options]

Bot API answers about user profiles from a logged-in Telegram user account.

Commands:
  login                 log in interactively (phone, code, 2FA password) and store the session
  whoami                show the logged-in account
  photos <user>         getUserProfilePhotos: a user's profile photos
  audios <user>         getUserProfileAudios: a user's profile audios
  download <file_id>    download a file id printed by tg-profile
  archive [users...]    archive profile photos of many users into a folder
  emulator              run the loopback MTProto emulator
  start                 the demo: archive the emulator's users (or Telegram's, with credentials)
  serve                 the Bot API's profile methods over HTTP, answered by the account
  gallery <dir>         build or refresh an archive folder's HTML gallery (index.html)

<user> is @username, username, a t.me link or a numeric id.
Run "tg-profile <command> --help" for a command's options.

${GLOBAL}
`

/** `tg-profile <command> --help`. */
export const COMMAND_HELP: Record<CommandName, string> = {
  login: `Usage: tg-profile login [--print-session]

Logs in interactively: api id/hash from TG_API_ID/TG_API_HASH (environment or .env), then phone number,
login code and 2FA password when asked. The session is written to the session file with mode 0600.

  --print-session   also print the session string once on stdout (for TG_SESSION in .env); keep it secret
`,
  whoami: `Usage: tg-profile whoami

Shows the logged-in account (Bot API User shape).
`,
  photos: `Usage: tg-profile photos <user> [--offset N] [--limit N] [--max-id ID] [--all]

Prints the user's profile photos exactly as the Bot API getUserProfilePhotos answers.

  --offset N    sequential number of the first photo to return (default 0)
  --limit N     number of photos, 1-100 (default 100)
  --max-id ID   only photos with an id below ID (MTProto photos.getUserPhotos max_id)
  --all         every photo (100 per call), printed as one UserProfilePhotos whose total_count is
                the number of photos listed plus --offset
`,
  audios: `Usage: tg-profile audios <user> [--offset N] [--limit N]

Prints the user's profile audios exactly as the Bot API getUserProfileAudios answers.

  --offset N    sequential number of the first audio to return (default 0)
  --limit N     number of audios, 1-100 (default 100)
`,
  download: `Usage: tg-profile download <file_id> [-o PATH] [--force] [--user USER]

Downloads a file id printed by tg-profile, from the DC that holds it. The file is written atomically (temporary
name, fsync, then the final name). A file_id does not say whose profile it came from: give --user so that an
expired file reference is refreshed by listing that profile again; without it you get the 400 error and a hint.

  -o, --output PATH   where to write: a file, or a folder (default: the current folder; the name is the
                      file id plus the extension found in the content: .jpg, .mp4, .mp3, ...)
  --force             overwrite an existing file
  --user USER         the profile the file id came from (@username, username, t.me link or id)
`,
  archive: `Usage: tg-profile archive [users...] [--from FILE | --from -] [--from-chat CHAT]... [--contacts]
                        --out DIR [options]

  --from FILE            read users from FILE, one per line, # comments ("-" for stdin)
  --from-chat CHAT       archive every member of CHAT (@username, t.me link or chat id; repeatable): members
                         come with their access hashes and cost no username resolve
  --contacts             archive the account's contacts
  --out DIR              archive folder (one folder per numeric user id, manifest.ndjson)
  --sizes largest|all    photo sizes to keep (default largest)
  --no-videos            skip video avatars
  --audios               also archive profile audios
  --concurrency N        parallel downloads
  --max-flood-wait S     a flood wait longer than S seconds (default 300) holds up only the users that need
                         that method: they are left waiting (DIR/waiting.ndjson) and come first next run;
                         until nothing waits, a run does not list again the users the job archived already
  --wait                 sit out every flood wait, however long, once the rest is done: finish by itself
  --no-gallery           do not refresh the HTML gallery (DIR/index.html) at the end

Exit status: 0 every user archived; 3 incomplete but resumable (users or sources left waiting: run
again at the time the summary gives); 1 users or sources failed; 2 the command line is wrong.
`,
  emulator: `Usage: tg-profile emulator [--seed N] [--users N] [--port N] [--connection-file FILE] [--world-file FILE]
                          [--stats-file FILE] [--latency MS[+JITTER]] [--flood METHOD=BURST/PER_SECOND]...
                          [--swallow METHOD[=N]]... [--drop-rate P] [--fileref-ttl SECONDS] [--internal-error-rate P]
                          [--limits none|telegram]

Runs the loopback MTProto emulator (DCs 1-5) until Ctrl-C, after writing its connection file (mode 0600).
Point any command at it with --emulator FILE or TG_EMULATOR=FILE. Every fault is off unless asked for.

  --seed N                  seed of the emulated world (default 1)
  --users N                 ordinary users in the world, test accounts come on top (default 40)
  --port N                  DC 1-5 listen on N..N+4 (default: free ports)
  --connection-file FILE    where to write the connection file (default ./emulator.json)
  --world-file FILE         also write the world's ground truth (every file's size and sha256)
  --stats-file FILE         write the counters (calls per method and DC, bytes, flood waits, swallowed requests)
                            every second and on exit
  --latency MS[+JITTER]     delay every answer by MS milliseconds plus up to JITTER more (e.g. 30+5)
  --flood METHOD=B/R        token bucket for a method: burst B, R requests per second after it (repeatable),
                            e.g. --flood photos.GetUserPhotos=20/5 --flood contacts.ResolveUsername=50/0.2
  --swallow METHOD[=N]      receive METHOD's requests and never answer them, or only its first N (repeatable),
                            e.g. --swallow upload.GetFile=2
  --drop-rate P             probability (0-1) that an incoming message drops its connection instead
  --fileref-ttl SECONDS     file references expire after SECONDS (FILE_REFERENCE_EXPIRED)
  --internal-error-rate P   probability (0-1) of a 500 INTERNAL_SERVER_ERROR answer
  --limits PROFILE          none (default) or telegram: 200 username resolves a day per account, a download budget
                            for non-premium accounts (FLOOD_PREMIUM_WAIT_X), 100 auth.exportAuthorization an hour
`,
  start: `Usage: tg-profile start [users...] [--out DIR]

Without Telegram credentials (no TG_API_ID/TG_API_HASH, no --emulator/TG_EMULATOR): starts an embedded emulator
(seed 1, 30 users), archives its demo users into DIR (default ./tg-profile-demo) and shows the result. A re-run
downloads only what is new.
With --emulator FILE / TG_EMULATOR, or with credentials (TG_API_ID, TG_API_HASH and a session): archives the users
given as arguments from that emulator / from Telegram.

  --out DIR      archive folder (default ./tg-profile-demo)
  --no-gallery   do not refresh the HTML gallery (DIR/index.html) at the end
`,
  serve: `Usage: tg-profile serve [--host HOST] [--port PORT] [--allow-remote] [--new-token]

Answers getMe, getUserProfilePhotos, getUserProfileAudios and getFile at http://HOST:PORT/bot<token>/<method>
and downloads at /file/bot<token>/<file_path>, as the Bot API does, from the logged-in account. The token is made
on the first run, stored beside the session (mode 0600) and shown once on stderr. Without Telegram credentials
it runs on an embedded emulator. Ctrl-C stops it after the requests under way.

  --host HOST       interface to listen on (default 127.0.0.1)
  --port PORT       TCP port (default 8081; 0 picks a free one)
  --allow-remote    allow a HOST other than loopback (plain HTTP: anyone with the token uses the account)
  --new-token       replace the stored token with a new one (the old one stops working)
`,
  gallery: `Usage: tg-profile gallery <archive dir>

Builds or refreshes the static HTML gallery of an archive folder from its manifest.ndjson: DIR/index.html lists
every user (search, sort, pages; readable without JavaScript), each user's page shows the avatar history, newest
first, with video avatars, photos gone from Telegram and copyable file ids. Open it from the disk (file://): no
server, no network. Only pages whose content changed are written; archived images are never touched.
\`archive\` and \`start\` refresh it at the end unless --no-gallery.
`,
}

/** The help text for `command`, or the main help. */
export function helpFor(command: CommandName | undefined): string {
  return command === undefined ? MAIN_HELP : `${COMMAND_HELP[command]}\n${GLOBAL}\n`
}

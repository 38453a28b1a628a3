/**
 * Secret redaction: every log and error line the CLI prints passes through {@link redact}.
 *
 * Registered secrets (the api_hash, session strings) are replaced wherever they appear; anything shaped like a GramJS
 * `StringSession` (version `1` + long base64) is replaced even if it was never registered, because a session string
 * is a full account login.
 */

const secrets = new Set<string>()

/** The text that replaces a secret. */
export const REDACTED = '[REDACTED]'

/** Shortest secret worth registering: shorter strings would redact ordinary words and numbers. */
const MIN_SECRET_LENGTH = 6

// GramJS StringSession.save(): "1" + base64 of (dc id, ip, port, 256-byte auth key) ≈ 350+ characters.
const SESSION_SHAPE = /\b1[A-Za-z0-9+/_-]{200,}={0,2}/g

/** Registers a secret (api_hash, session string, password) so {@link redact} removes it. Short values are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (value === undefined || value === null) return
  const v = value.trim()
  if (v.length >= MIN_SECRET_LENGTH) secrets.add(v)
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear()
}

/** `text` with every registered secret and every session-shaped string replaced by {@link REDACTED}. */
export function redact(text: string): string {
  let out = text
  // Longest first, so a secret containing another is removed whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED)
  return out.replace(SESSION_SHAPE, REDACTED)
}

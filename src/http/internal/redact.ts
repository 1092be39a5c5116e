/** @internal */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"

/** @internal */
export const REDACTED = "<redacted>"

/** @internal */
export const defaultSecretKeys: RegExp =
  /pass(word|phrase)?|secret|token|api[-_]?key|private[-_]?key|credential|authorization|cookie|signing[-_]?key|state[-_]?key/i

/** @internal */
export interface RedactOptions {
  /** Keys whose values are hidden whatever their type; default {@link defaultSecretKeys}. */
  readonly secretKeys?: RegExp | undefined
}

// A URL's password (`redis://user:secret@host`) is hidden; the rest stays readable.
const redactUrl = (text: string): string => {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(text)) return text
  try {
    const url = new URL(text)
    if (url.password === "") return text
    url.password = "redacted"
    return url.toString()
  } catch {
    return text
  }
}

/**
 * A JSON-ready copy of `value` with secrets hidden: `Redacted` values, values under keys that
 * look secret, and passwords in URLs. Functions are dropped, `Duration`s and `Option`s are made
 * readable, cycles are cut.
 *
 * @internal
 */
export const redact = (value: unknown, options?: RedactOptions): unknown => {
  const secretKeys = options?.secretKeys ?? defaultSecretKeys
  const seen = new WeakSet<object>()
  const walk = (u: unknown): unknown => {
    if (Redacted.isRedacted(u)) return REDACTED
    if (typeof u === "string") return redactUrl(u)
    if (typeof u === "bigint") return u.toString()
    if (typeof u === "function" || typeof u === "symbol" || u === undefined) return undefined
    if (u === null || typeof u !== "object") return u
    if (Duration.isDuration(u)) return Duration.format(u)
    if (Option.isOption(u)) return Option.isSome(u) ? walk(u.value) : null
    if (u instanceof Date) return u.toISOString()
    if (u instanceof URL) return redactUrl(u.toString())
    if (u instanceof RegExp) return u.toString()
    if (seen.has(u)) return "[Circular]"
    seen.add(u)
    if (Array.isArray(u)) return u.map((item) => walk(item) ?? null)
    if (u instanceof Map) return walk(Object.fromEntries(u))
    if (u instanceof Set) return walk([...u])
    if (Predicate.hasProperty(u, "toJSON") && typeof u.toJSON === "function" && !isPlain(u)) return walk(u.toJSON())
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(u)) {
      // Numbers and flags under a secret-looking key (`maxTokens`) are no secrets.
      if (secretKeys.test(key) && (typeof item === "string" || (typeof item === "object" && item !== null))) {
        out[key] = REDACTED
        continue
      }
      const walked = walk(item)
      if (walked !== undefined) out[key] = walked
    }
    return out
  }
  return walk(value)
}

const isPlain = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return proto === null || proto === Object.prototype
}

/** @internal */
// MRTR `requestState`: the answers gathered in earlier rounds, carried by the client and
// trusted on the retry only if its HMAC verifies and it is bound to the same request.
import * as Either from "effect/Either"
import * as crypto from "node:crypto"
import * as McpError from "../../protocol/McpError.js"

/** @internal */
export interface Binding {
  readonly method: string
  readonly target: string
  readonly argumentsDigest: string
}

interface Payload {
  readonly m: string
  readonly t: string
  readonly d: string
  readonly a: Record<string, unknown>
  readonly e: number
  readonly n: string
}

/** @internal */
export const bindingOf = (method: string, params: Record<string, unknown> | undefined): Binding => ({
  method,
  target: String(params?.name ?? params?.uri ?? ""),
  argumentsDigest: crypto.createHash("sha256").update(JSON.stringify(params?.arguments ?? null)).digest("base64url")
})

const mac = (key: Uint8Array, body: string) => crypto.createHmac("sha256", key).update(body).digest("base64url")

/** @internal */
export const sign = (
  key: Uint8Array,
  binding: Binding,
  answers: Record<string, unknown>,
  ttlMs: number
): string => {
  const payload: Payload = {
    m: binding.method,
    t: binding.target,
    d: binding.argumentsDigest,
    a: answers,
    e: Date.now() + ttlMs,
    n: crypto.randomBytes(8).toString("base64url")
  }
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url")
  return `${body}.${mac(key, body)}`
}

const invalid = (reason: string) => new McpError.InvalidParams({ message: `Invalid requestState: ${reason}` })

/** @internal */
export const verify = (
  key: Uint8Array,
  token: unknown,
  binding: Binding
): Either.Either<Record<string, unknown>, McpError.InvalidParams> => {
  if (typeof token !== "string") return Either.left(invalid("must be a string"))
  const dot = token.indexOf(".")
  if (dot < 0) return Either.left(invalid("malformed"))
  const body = token.slice(0, dot)
  const expected = Buffer.from(mac(key, body))
  const given = Buffer.from(token.slice(dot + 1))
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    return Either.left(invalid("signature does not verify (tampered or from another server)"))
  }
  let payload: Payload
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload
  } catch {
    return Either.left(invalid("malformed"))
  }
  if (payload.e < Date.now()) return Either.left(invalid("expired"))
  if (payload.m !== binding.method || payload.t !== binding.target || payload.d !== binding.argumentsDigest) {
    return Either.left(invalid("issued for another request"))
  }
  return Either.right(payload.a)
}

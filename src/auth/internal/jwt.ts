/** @internal */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Jose from "jose"
import type { Principal } from "../../server/RequestMeta.js"
import {
  type AuthError,
  AuthUnavailable,
  bearerToken,
  type Headers,
  InsufficientScope,
  InvalidToken,
  MissingToken,
  resourceMetadata,
  type Service
} from "./authenticator.js"

/** @internal */
export type KeySource =
  | {
    readonly jwksUrl: string | URL
    /** How long a fetch of the key set may take; default 5 seconds. */
    readonly jwksTimeout?: Duration.DurationInput | undefined
    /** The least time between two fetches (an unknown `kid` triggers one); default 30 seconds. */
    readonly jwksCooldown?: Duration.DurationInput | undefined
    /** How long a fetched key set is used before it is fetched again; default 10 minutes. */
    readonly jwksCacheMaxAge?: Duration.DurationInput | undefined
    readonly jwks?: never
    readonly secret?: never
    readonly key?: never
  }
  | {
    readonly jwks: Jose.JSONWebKeySet
    readonly jwksUrl?: never
    readonly secret?: never
    readonly key?: never
  }
  | {
    readonly secret: Redacted.Redacted<string> | Uint8Array
    readonly jwksUrl?: never
    readonly jwks?: never
    readonly key?: never
  }
  | {
    readonly key: Jose.CryptoKey | Jose.KeyObject
    readonly jwksUrl?: never
    readonly jwks?: never
    readonly secret?: never
  }

/** @internal */
export interface CommonOptions {
  readonly resource: string
  readonly audience?: string | ReadonlyArray<string> | undefined
  readonly issuer?: string | ReadonlyArray<string> | undefined
  readonly requiredScopes?: ReadonlyArray<string> | undefined
  readonly algorithms?: ReadonlyArray<string> | undefined
  readonly clockTolerance?: Duration.DurationInput | undefined
  readonly cacheSize?: number | undefined
  readonly authorizationServers?: ReadonlyArray<string> | undefined
  readonly scopesSupported?: ReadonlyArray<string> | undefined
  readonly resourceName?: string | undefined
  readonly resourceDocumentation?: string | undefined
  readonly resourceMetadataUrl?: string | undefined
  readonly serveMetadata?: boolean | undefined
}

/** @internal */
export type Options = CommonOptions & KeySource

type Verify = (token: string, options: Jose.JWTVerifyOptions) => Promise<Jose.JWTVerifyResult>

const verifierOf = (jose: typeof Jose, options: KeySource): Verify => {
  if (options.jwksUrl !== undefined) {
    const jwks = jose.createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: Duration.toMillis(options.jwksTimeout ?? "5 seconds"),
      cooldownDuration: Duration.toMillis(options.jwksCooldown ?? "30 seconds"),
      cacheMaxAge: Duration.toMillis(options.jwksCacheMaxAge ?? "10 minutes")
    })
    return (token, verifyOptions) => jose.jwtVerify(token, jwks, verifyOptions)
  }
  if (options.jwks !== undefined) {
    const jwks = jose.createLocalJWKSet(options.jwks)
    return (token, verifyOptions) => jose.jwtVerify(token, jwks, verifyOptions)
  }
  const key = options.secret === undefined
    ? options.key
    : Redacted.isRedacted(options.secret)
    ? new TextEncoder().encode(Redacted.value(options.secret))
    : options.secret
  return (token, verifyOptions) => jose.jwtVerify(token, key, verifyOptions)
}

/** Scopes from `scope` (RFC 9068, space-separated) or `scp` (an array, or a string). */
const scopesOf = (payload: Jose.JWTPayload): ReadonlyArray<string> => {
  const raw = payload.scope ?? payload.scp
  if (typeof raw === "string") return raw.split(" ").filter((s) => s.length > 0)
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string")
  return []
}

// What a failure of jwtVerify means for the client: its token is bad (401 invalid_token), or
// we could not check it (503, the token may be fine).
const failureOf = (jose: typeof Jose, resourceMetadata: string | undefined) => (error: unknown): AuthError => {
  const invalid = (description: string) =>
    new InvalidToken({ description, ...(resourceMetadata === undefined ? {} : { resourceMetadata }) })
  if (!(error instanceof jose.errors.JOSEError)) {
    return new AuthUnavailable({ message: "The token could not be verified: the key set is unreachable", cause: error })
  }
  switch (error.code) {
    case "ERR_JWT_EXPIRED":
      return invalid("The access token expired")
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return invalid(`The access token's ${(error as Jose.errors.JWTClaimValidationFailed).claim} claim is not valid here`)
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return invalid("The access token's signature is not valid")
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return invalid("No key of the authorization server matches the access token")
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return invalid("The access token's algorithm is not accepted")
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JWKS_INVALID":
      return new AuthUnavailable({ message: "The token could not be verified: the key set is unavailable", cause: error })
    case "ERR_JOSE_GENERIC":
      // createRemoteJWKSet reports a failed fetch (a non-200 answer) this way.
      return new AuthUnavailable({ message: "The token could not be verified: the key set is unavailable", cause: error })
    default:
      return invalid("The access token is malformed")
  }
}

interface Entry {
  /** ms since the epoch; the token's `exp`, never later. */
  readonly expiresAt: number
  readonly principal: Principal
  /** Set when the token is valid but lacks a required scope: the answer is cached too. */
  readonly denied: InsufficientScope | undefined
}

// jose is imported when an authenticator is made: an application without JWT auth never loads it.
const importJose: Effect.Effect<typeof Jose> = Effect.promise(() => import("jose"))

/** @internal */
export const make = (options: Options): Effect.Effect<Service> =>
  Effect.zipWith(importJose, Effect.clock, (jose, clock): Service => {
    const metadata = resourceMetadata({
      resource: options.resource,
      authorizationServers: options.authorizationServers ??
        (typeof options.issuer === "string" ? [options.issuer] : options.issuer),
      scopesSupported: options.scopesSupported ?? options.requiredScopes,
      resourceName: options.resourceName,
      resourceDocumentation: options.resourceDocumentation,
      resourceMetadataUrl: options.resourceMetadataUrl
    })
    const metadataUrl = metadata.url
    const required = options.requiredScopes ?? []
    const verifyToken = verifierOf(jose, options)
    const toFailure = failureOf(jose, metadataUrl)
    const missing = new MissingToken({
      resourceMetadata: metadataUrl,
      ...(required.length === 0 ? {} : { scope: required.join(" ") })
    })
    // The audience is mandatory (MCP authorization, "Token Audience Binding and Validation"):
    // a token minted for another resource must not be accepted here.
    const audience = options.audience ?? options.resource
    const verifyOptions: Jose.JWTVerifyOptions = {
      audience: typeof audience === "string" ? audience : [...audience],
      requiredClaims: ["exp", "sub"],
      ...(options.issuer === undefined
        ? {}
        : { issuer: typeof options.issuer === "string" ? options.issuer : [...options.issuer] }),
      ...(options.algorithms === undefined ? {} : { algorithms: [...options.algorithms] }),
      ...(options.clockTolerance === undefined
        ? {}
        : { clockTolerance: Duration.toSeconds(options.clockTolerance) })
    }

    // Verified tokens by their raw text, until their `exp`: a repeated token costs a Map look-up,
    // not a signature check. Bounded: when full, the oldest entry goes (a token evicted that is
    // still in use is verified once more). Private to this closure, touched synchronously.
    const cacheSize = Math.max(0, options.cacheSize ?? 10_000)
    const cache = new Map<string, Entry>()
    const lookup = (token: string): Entry | undefined => {
      const entry = cache.get(token)
      if (entry === undefined) return undefined
      if (entry.expiresAt <= clock.unsafeCurrentTimeMillis()) {
        cache.delete(token)
        return undefined
      }
      return entry
    }
    const remember = (token: string, entry: Entry) => {
      if (cacheSize === 0 || entry.expiresAt <= clock.unsafeCurrentTimeMillis()) return
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!)
      cache.set(token, entry)
    }

    const verify = (token: string): Effect.Effect<Principal, AuthError> =>
      Effect.flatMap(
        Effect.tryPromise({
          try: () => verifyToken(token, { ...verifyOptions, currentDate: new Date(clock.unsafeCurrentTimeMillis()) }),
          catch: toFailure
        }),
        ({ payload }) => {
          // requiredClaims made sure both are present; `sub` must also be a string.
          if (typeof payload.sub !== "string" || payload.sub.length === 0) {
            return Effect.fail(toFailure(new jose.errors.JWTInvalid("sub")))
          }
          const scopes = scopesOf(payload)
          const principal: Principal = { subject: payload.sub, scopes, claims: payload }
          const lacking = required.filter((s) => !scopes.includes(s))
          const denied = lacking.length === 0
            ? undefined
            : new InsufficientScope({ required, resourceMetadata: metadataUrl })
          remember(token, { expiresAt: payload.exp! * 1000, principal, denied })
          return denied === undefined ? Effect.succeed(principal) : Effect.fail(denied)
        }
      )

    return {
      authenticate: (headers: Headers) =>
        Effect.suspend(() => {
          const token = bearerToken(headers)
          if (token === undefined) return Effect.fail(missing)
          const entry = lookup(token)
          if (entry === undefined) return verify(token)
          return entry.denied === undefined ? Effect.succeed(entry.principal) : Effect.fail(entry.denied)
        }),
      authenticateCached: (headers: Headers) => {
        const token = bearerToken(headers)
        if (token === undefined) return undefined
        const entry = lookup(token)
        return entry === undefined || entry.denied !== undefined ? undefined : entry.principal
      },
      resourceMetadata: options.serveMetadata === false ? undefined : metadata
    }
  })

// Auth.layerJwt: verification, the RFC 6750 challenges, the token cache (on TestClock), and the
// RFC 9728 metadata. Keys are generated per run.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import * as jose from "jose"
import { Auth } from "turbomcp-server"

const RESOURCE = "https://mcp.example.com/mcp"
const ISSUER = "https://auth.example.com"
const METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

const keys = await jose.generateKeyPair("ES256")
const otherKeys = await jose.generateKeyPair("ES256")
const publicJwk = { ...(await jose.exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" }

interface Claims {
  readonly sub?: string
  readonly aud?: string
  readonly iss?: string
  readonly scope?: string
  readonly scp?: ReadonlyArray<string>
  /** Seconds since the epoch; the TestClock starts at 0. */
  readonly exp?: number
}

const sign = (claims: Claims = {}, key: jose.CryptoKey = keys.privateKey) => {
  const { aud = RESOURCE, exp = 3600, iss = ISSUER, sub = "alice", ...rest } = claims
  return Effect.promise(() =>
    new jose.SignJWT({ ...rest })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setSubject(sub)
      .setAudience(aud)
      .setIssuer(iss)
      .setExpirationTime(exp)
      .sign(key)
  )
}

const headersOf = (token?: string): Auth.Headers => (name) =>
  name === "authorization" && token !== undefined ? `Bearer ${token}` : undefined

const options: Auth.JwtOptions = {
  resource: RESOURCE,
  issuer: ISSUER,
  jwks: { keys: [publicJwk] },
  requiredScopes: ["mcp:tools"]
}

const authenticator = (overrides: Partial<Auth.JwtOptions> = {}) =>
  Auth.makeJwt({ ...options, ...overrides } as Auth.JwtOptions)

describe("Auth.layerJwt", () => {
  it.effect("a valid token yields the principal: subject, scopes (scope or scp), claims", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator()
      const principal = yield* auth.authenticate(headersOf(yield* sign({ scope: "mcp:tools mcp:read" })))
      assert.strictEqual(principal.subject, "alice")
      assert.deepStrictEqual(principal.scopes, ["mcp:tools", "mcp:read"])
      assert.strictEqual(principal.claims.iss, ISSUER)
      const scp = yield* auth.authenticate(headersOf(yield* sign({ sub: "bob", scp: ["mcp:tools"] })))
      assert.deepStrictEqual(scp.scopes, ["mcp:tools"])
    }))

  it.effect("no token: MissingToken, 401, a challenge without error naming resource_metadata and the scope", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator()
      const error = yield* Effect.flip(auth.authenticate(headersOf()))
      assert.strictEqual(error._tag, "MissingToken")
      assert.strictEqual(error.status, 401)
      assert.strictEqual(error.wwwAuthenticate, `Bearer resource_metadata="${METADATA}", scope="mcp:tools"`)
      // Another scheme is no bearer token either.
      const basic = yield* Effect.flip(auth.authenticate((name) => name === "authorization" ? "Basic YTpi" : undefined))
      assert.strictEqual(basic._tag, "MissingToken")
    }))

  it.effect.each([
    ["another audience", { aud: "https://other.example.com/mcp" }, "aud"],
    ["another issuer", { iss: "https://evil.example.com" }, "iss"]
  ] as const)("%s: InvalidToken naming the claim", ([_, claims, claim]) =>
    Effect.gen(function*() {
      const auth = yield* authenticator()
      const error = yield* Effect.flip(auth.authenticate(headersOf(yield* sign({ ...claims, scope: "mcp:tools" }))))
      assert.strictEqual(error._tag, "InvalidToken")
      assert.strictEqual(error.status, 401)
      assert.include(error.message, claim)
      assert.match(error.wwwAuthenticate!, /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="/)
    }))

  it.effect("a bad signature, an expired token and garbage are invalid_token", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator()
      const forged = yield* Effect.flip(
        auth.authenticate(headersOf(yield* sign({ scope: "mcp:tools" }, otherKeys.privateKey)))
      )
      assert.strictEqual(forged._tag, "InvalidToken")
      assert.include(forged.message, "signature")
      yield* TestClock.adjust("2 hours")
      const expired = yield* Effect.flip(auth.authenticate(headersOf(yield* sign({ scope: "mcp:tools", exp: 60 }))))
      assert.strictEqual(expired._tag, "InvalidToken")
      assert.include(expired.message, "expired")
      const garbage = yield* Effect.flip(auth.authenticate(headersOf("not.a.jwt")))
      assert.strictEqual(garbage._tag, "InvalidToken")
    }))

  it.effect("a token without the required scope: InsufficientScope, 403 naming the scope", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator()
      const token = yield* sign({ scope: "mcp:read" })
      const error = yield* Effect.flip(auth.authenticate(headersOf(token)))
      assert.strictEqual(error._tag, "InsufficientScope")
      assert.strictEqual(error.status, 403)
      assert.match(
        error.wwwAuthenticate!,
        new RegExp(`^Bearer error="insufficient_scope", scope="mcp:tools", resource_metadata="${METADATA}"`)
      )
      // The refusal is cached too, and never passes the synchronous path.
      assert.isUndefined(auth.authenticateCached!(headersOf(token)))
      assert.strictEqual((yield* Effect.flip(auth.authenticate(headersOf(token))))._tag, "InsufficientScope")
    }))

  it.effect("a verified token is cached until its exp, never past it", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator()
      const token = yield* sign({ scope: "mcp:tools", exp: 60 })
      assert.isUndefined(auth.authenticateCached!(headersOf(token)))
      yield* auth.authenticate(headersOf(token))
      assert.strictEqual(auth.authenticateCached!(headersOf(token))?.subject, "alice")
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(auth.authenticateCached!(headersOf(token))?.subject, "alice")
      yield* TestClock.adjust("1 second")
      assert.isUndefined(auth.authenticateCached!(headersOf(token)))
      const error = yield* Effect.flip(auth.authenticate(headersOf(token)))
      assert.strictEqual(error._tag, "InvalidToken")
    }))

  it.effect("the cache is bounded: the oldest entry goes first", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator({ cacheSize: 2 })
      const tokens = [yield* sign({ sub: "a", scope: "mcp:tools" }), yield* sign({ sub: "b", scope: "mcp:tools" }),
        yield* sign({ sub: "c", scope: "mcp:tools" })]
      for (const token of tokens) yield* auth.authenticate(headersOf(token))
      assert.isUndefined(auth.authenticateCached!(headersOf(tokens[0])))
      assert.strictEqual(auth.authenticateCached!(headersOf(tokens[1]))?.subject, "b")
      assert.strictEqual(auth.authenticateCached!(headersOf(tokens[2]))?.subject, "c")
    }))

  it.effect("clockTolerance accepts a token just past its exp, and such a token is not cached", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator({ clockTolerance: "30 seconds" })
      const token = yield* sign({ scope: "mcp:tools", exp: 60 })
      yield* TestClock.adjust("70 seconds")
      assert.strictEqual((yield* auth.authenticate(headersOf(token))).subject, "alice")
      assert.isUndefined(auth.authenticateCached!(headersOf(token)))
    }))

  it.effect("a shared secret (HS256) and algorithms", () =>
    Effect.gen(function*() {
      const secret = "a-secret-of-at-least-32-bytes-length!!"
      const token = yield* Effect.promise(() =>
        new jose.SignJWT({ scope: "mcp:tools" }).setProtectedHeader({ alg: "HS256" }).setSubject("svc")
          .setAudience(RESOURCE).setIssuer(ISSUER).setExpirationTime(3600).sign(new TextEncoder().encode(secret))
      )
      const auth = yield* Auth.makeJwt({ resource: RESOURCE, issuer: ISSUER, secret: Redacted.make(secret) })
      assert.strictEqual((yield* auth.authenticate(headersOf(token))).subject, "svc")
      const strict = yield* Auth.makeJwt({ resource: RESOURCE, secret: Redacted.make(secret), algorithms: ["HS512"] })
      const error = yield* Effect.flip(strict.authenticate(headersOf(token)))
      assert.strictEqual(error._tag, "InvalidToken")
    }))

  it.effect("a public key (KeyObject or CryptoKey) and an explicit audience", () =>
    Effect.gen(function*() {
      const auth = yield* Auth.makeJwt({ resource: RESOURCE, audience: ["api://mcp"], key: keys.publicKey })
      const token = yield* sign({ aud: "api://mcp" })
      assert.strictEqual((yield* auth.authenticate(headersOf(token))).subject, "alice")
      // The resource is not accepted when another audience is configured.
      const error = yield* Effect.flip(auth.authenticate(headersOf(yield* sign({ sub: "x" }))))
      assert.strictEqual(error._tag, "InvalidToken")
    }))
})

describe("Auth.layerJwt with an unreachable JWKS", () => {
  it.live("AuthUnavailable: 503 and no challenge, so the client keeps its token", () =>
    Effect.gen(function*() {
      // Nothing listens on port 1: the fetch of the key set fails at once.
      const auth = yield* Auth.makeJwt({ resource: RESOURCE, jwksUrl: "http://127.0.0.1:1/jwks", jwksTimeout: "2 seconds" })
      const error = yield* Effect.flip(auth.authenticate(headersOf(yield* sign({ exp: Math.floor(Date.now() / 1000) + 60 }))))
      assert.strictEqual(error._tag, "AuthUnavailable")
      assert.strictEqual(error.status, 503)
      assert.isUndefined(error.wwwAuthenticate)
    }))
})

describe("Auth metadata", () => {
  it("the well-known URI inserts the path after the host (RFC 9728 §3.1)", () => {
    assert.strictEqual(Auth.metadataUrl("https://mcp.example.com/mcp"), METADATA)
    assert.strictEqual(Auth.metadataUrl("https://mcp.example.com"), "https://mcp.example.com/.well-known/oauth-protected-resource")
    assert.strictEqual(
      Auth.metadataUrl("https://mcp.example.com:8443/a/b/"),
      "https://mcp.example.com:8443/.well-known/oauth-protected-resource/a/b"
    )
  })

  it.effect("the layer's document: resource, authorization servers, scopes, header bearer", () =>
    Effect.gen(function*() {
      const auth = yield* authenticator({ resourceName: "Example" })
      assert.deepStrictEqual(auth.resourceMetadata, {
        url: METADATA,
        paths: ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"],
        document: {
          resource: RESOURCE,
          authorization_servers: [ISSUER],
          scopes_supported: ["mcp:tools"],
          bearer_methods_supported: ["header"],
          resource_name: "Example"
        }
      })
      const off = yield* authenticator({ serveMetadata: false })
      assert.isUndefined(off.resourceMetadata)
    }))

  it("bearerToken reads only Authorization: Bearer", () => {
    const of = (value: string | undefined) => Auth.bearerToken((name) => (name === "authorization" ? value : undefined))
    assert.strictEqual(of("Bearer abc.def.ghi"), "abc.def.ghi")
    assert.strictEqual(of("bearer   abc "), "abc")
    assert.isUndefined(of(undefined))
    assert.isUndefined(of("Bearer"))
    assert.isUndefined(of("Bearer "))
    assert.isUndefined(of("Bearer a b"))
    assert.isUndefined(of("Basic abc"))
    assert.isUndefined(of("Bearerabc"))
  })

  it("challenge values stay within RFC 6750's quoted-string characters", () => {
    const error = new Auth.InvalidToken({ description: `bad "quote" \\ and ünïcode` })
    assert.strictEqual(error.wwwAuthenticate, `Bearer error="invalid_token", error_description="bad ?quote? ? and ?n?code"`)
  })
})

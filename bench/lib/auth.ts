/**
 * Scenario 7's credentials, made at run time and kept in memory: an ES256 key pair, the
 * public JWK set the server verifies with (handed to the child in BENCH_JWKS), and one
 * signed access token sent as `Authorization: Bearer ...` on every request. Nothing is
 * written to disk; the private key never leaves this process.
 *
 * `jose` is pinned in bench/package.json (the version the library depends on); on a checkout
 * where bench/ is not installed it resolves from the root node_modules.
 */
import { randomUUID } from "node:crypto"

export const BENCH_ISSUER = "https://issuer.bench.invalid"
export const BENCH_SCOPE = "mcp:tools"
export const BENCH_SUBJECT = "bench-client"

export interface BenchCredentials {
  /** The public JWK set, JSON (BENCH_JWKS). */
  readonly jwks: string
  /** A token for `resource`: aud = resource, iss, sub, scope, exp in 1 h. */
  readonly token: string
  /** The environment of a server that must accept `token`. */
  readonly env: Readonly<Record<string, string>>
}

/** A fresh key pair and one token for `resource` (the server's URL, http://host:port/mcp). */
export const makeCredentials = async (resource: string): Promise<BenchCredentials> => {
  const jose = await import("jose")
  const { privateKey, publicKey } = await jose.generateKeyPair("ES256")
  const kid = randomUUID()
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }
  const token = await new jose.SignJWT({ scope: BENCH_SCOPE })
    .setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" })
    .setIssuer(BENCH_ISSUER)
    .setSubject(BENCH_SUBJECT)
    .setAudience(resource)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey)
  const jwks = JSON.stringify({ keys: [jwk] })
  return { jwks, token, env: { BENCH_JWKS: jwks, BENCH_ISSUER, BENCH_SCOPE } }
}

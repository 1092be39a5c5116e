/** @internal */
// The HTTP transport's side of authentication: the RFC 9728 metadata route, and the check in
// front of the MCP endpoint that answers 401/403 with a `WWW-Authenticate` challenge.
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import type { Principal } from "../../server/RequestMeta.js"
import type { Exchange } from "../../transport/internal/exchange.js"
import { type AuthError, isAuthError, type Service } from "./authenticator.js"

/** @internal */
export interface Gate {
  /** Serves the protected resource metadata when `ex` asks for it; true when it answered. */
  readonly metadata: (ex: Exchange) => boolean
  /**
   * Authenticates `ex`, then calls `next` with the principal, synchronously when the token is
   * in the authenticator's cache; or answers the challenge and never calls `next`.
   */
  readonly check: (ex: Exchange, next: (principal: Principal) => void) => void
}

const JSON_HEADERS = { "content-type": "application/json" }

// Authentication failures answer with a JSON-RPC error body, like every other rejection of the
// HTTP layer (Origin, media type, session): -32600 Invalid Request, as the request never reached
// the dispatcher. The HTTP status and `WWW-Authenticate` carry the OAuth meaning (RFC 6750);
// -32001 is this transport's "Session not found".
const reject = (ex: Exchange, error: AuthError) => {
  const challenge = error.wwwAuthenticate
  ex.respond(
    error.status,
    challenge === undefined
      ? { ...JSON_HEADERS, "retry-after": "5" }
      : { ...JSON_HEADERS, "www-authenticate": challenge },
    JsonRpc.errorText(null, { code: -32600, message: error.message })
  )
}

/** @internal */
export const make = (
  auth: Service,
  runFork: <A, E>(effect: Effect.Effect<A, E>) => Fiber.RuntimeFiber<A, E>,
  track: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => void
): Gate => {
  const metadata = auth.resourceMetadata
  const paths = new Set(metadata?.paths ?? [])
  const body = metadata === undefined ? "" : JSON.stringify(metadata.document)
  const cached = auth.authenticateCached

  return {
    metadata: (ex) => {
      if (!paths.has(ex.path)) return false
      // A public document: any origin may read it (browser-based clients discover with it).
      const cors = { "access-control-allow-origin": "*" }
      if (ex.method === "GET" || ex.method === "HEAD") {
        ex.respond(200, { ...JSON_HEADERS, ...cors, "cache-control": "max-age=3600" }, ex.method === "GET" ? body : undefined)
      } else if (ex.method === "OPTIONS") {
        ex.respond(204, { ...cors, "access-control-allow-methods": "GET, HEAD, OPTIONS" })
      } else {
        ex.respond(405, { allow: "GET, HEAD, OPTIONS" })
      }
      return true
    },
    check: (ex, next) => {
      const principal = cached?.(ex.header)
      if (principal !== undefined) return next(principal)
      const fiber = runFork(auth.authenticate(ex.header))
      track(fiber)
      fiber.addObserver((exit) => {
        if (Exit.isSuccess(exit)) return next(exit.value)
        if (Cause.isInterruptedOnly(exit.cause)) {
          return ex.respond(503, { ...JSON_HEADERS, "retry-after": "1" }, JsonRpc.errorText(null, {
            code: -32000,
            message: "Service Unavailable: the server is shutting down"
          }))
        }
        const failure = Cause.failureOption(exit.cause)
        if (failure._tag === "Some" && isAuthError(failure.value)) return reject(ex, failure.value)
        runFork(Effect.logError("Authentication failed unexpectedly", exit.cause))
        ex.respond(500, JSON_HEADERS, JsonRpc.errorText(null, { code: -32603, message: "Internal error" }))
      })
    }
  }
}

/** @internal */
// The Authenticator tag and its errors live here, in a module that imports only `effect`, so
// the HTTP transport can look the service up without loading jose.
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Principal } from "../../server/RequestMeta.js"

/** @internal */
export type Headers = (name: string) => string | undefined

/** @internal */
export interface ProtectedResourceMetadata {
  readonly resource: string
  readonly authorization_servers?: ReadonlyArray<string>
  readonly scopes_supported?: ReadonlyArray<string>
  readonly bearer_methods_supported: ReadonlyArray<string>
  readonly resource_name?: string
  readonly resource_documentation?: string
  readonly [key: string]: unknown
}

/** @internal */
export interface ResourceMetadata {
  /** Where clients fetch it: the `resource_metadata` of every challenge. */
  readonly url: string
  /** The paths the HTTP transport serves it on. */
  readonly paths: ReadonlyArray<string>
  readonly document: ProtectedResourceMetadata
}

/** @internal */
export interface Service {
  readonly authenticate: (headers: Headers) => Effect.Effect<Principal, AuthError>
  readonly authenticateCached?: ((headers: Headers) => Principal | undefined) | undefined
  readonly resourceMetadata?: ResourceMetadata | undefined
}

/** @internal */
export class Authenticator extends Context.Tag("turbomcp/Auth/Authenticator")<Authenticator, Service>() {}

// RFC 6750 §3: error_description and scope are quoted strings limited to %x20-21 / %x23-5B / %x5D-7E.
const quoted = (value: string) => `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "?")}"`

const challenge = (params: ReadonlyArray<readonly [string, string | undefined]>): string => {
  const parts = params.flatMap(([key, value]) => value === undefined ? [] : [`${key}=${quoted(value)}`])
  return parts.length === 0 ? "Bearer" : `Bearer ${parts.join(", ")}`
}

/** @internal */
export class MissingToken extends Schema.TaggedError<MissingToken>("turbomcp/Auth/MissingToken")("MissingToken", {
  resourceMetadata: Schema.optional(Schema.String),
  /** Scopes the resource needs, as a hint for the client's authorization request. */
  scope: Schema.optional(Schema.String)
}) {
  override get message() {
    return "Unauthorized: an access token is required (Authorization: Bearer <token>)"
  }
  get status(): number {
    return 401
  }
  // RFC 6750 §3.1: a request without credentials gets no error code.
  get wwwAuthenticate(): string {
    return challenge([["resource_metadata", this.resourceMetadata], ["scope", this.scope]])
  }
}

/** @internal */
export class InvalidToken extends Schema.TaggedError<InvalidToken>("turbomcp/Auth/InvalidToken")("InvalidToken", {
  description: Schema.String,
  resourceMetadata: Schema.optional(Schema.String)
}) {
  override get message() {
    return `Unauthorized: ${this.description}`
  }
  get status(): number {
    return 401
  }
  get wwwAuthenticate(): string {
    return challenge([
      ["error", "invalid_token"],
      ["error_description", this.description],
      ["resource_metadata", this.resourceMetadata]
    ])
  }
}

/** @internal */
export class InsufficientScope extends Schema.TaggedError<InsufficientScope>("turbomcp/Auth/InsufficientScope")(
  "InsufficientScope",
  {
    required: Schema.Array(Schema.String),
    resourceMetadata: Schema.optional(Schema.String)
  }
) {
  override get message() {
    return `Forbidden: the token lacks the scope ${this.required.join(" ")}`
  }
  get status(): number {
    return 403
  }
  get wwwAuthenticate(): string {
    return challenge([
      ["error", "insufficient_scope"],
      ["scope", this.required.join(" ")],
      ["resource_metadata", this.resourceMetadata],
      ["error_description", this.message]
    ])
  }
}

/** @internal */
export class AuthUnavailable extends Schema.TaggedError<AuthUnavailable>("turbomcp/Auth/AuthUnavailable")(
  "AuthUnavailable",
  {
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  get status(): number {
    return 503
  }
  // The token may be fine: the server could not check it (its key set is unreachable).
  // No challenge, so the client does not throw away a good token.
  get wwwAuthenticate(): string | undefined {
    return undefined
  }
}

/** @internal */
export type AuthError = MissingToken | InvalidToken | InsufficientScope | AuthUnavailable

/** @internal */
export const isAuthError = (u: unknown): u is AuthError =>
  u instanceof MissingToken || u instanceof InvalidToken || u instanceof InsufficientScope ||
  u instanceof AuthUnavailable

/** @internal */
export const bearerToken = (headers: Headers): string | undefined => {
  // `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is case-insensitive). Tokens in
  // the query string are not accepted (MCP authorization, "Access Token Usage").
  const value = headers("authorization")
  if (value === undefined || value.length < 8 || (value[6] !== " " && value[6] !== "\t")) return undefined
  if (value.slice(0, 6).toLowerCase() !== "bearer") return undefined
  const token = value.slice(7).trim()
  return token.length === 0 || /\s/.test(token) ? undefined : token
}

/** @internal */
export const metadataUrl = (resource: string): string => {
  // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
  const url = new URL(resource)
  const path = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "")
  return `${url.origin}/.well-known/oauth-protected-resource${path}`
}

/** @internal */
export interface MetadataOptions {
  readonly resource: string
  readonly authorizationServers?: ReadonlyArray<string> | undefined
  readonly scopesSupported?: ReadonlyArray<string> | undefined
  readonly resourceName?: string | undefined
  readonly resourceDocumentation?: string | undefined
  readonly resourceMetadataUrl?: string | undefined
}

/** @internal */
export const resourceMetadata = (options: MetadataOptions): ResourceMetadata => {
  const url = options.resourceMetadataUrl ?? metadataUrl(options.resource)
  const path = new URL(url).pathname
  const document: ProtectedResourceMetadata = {
    resource: options.resource,
    ...(options.authorizationServers === undefined || options.authorizationServers.length === 0
      ? {}
      : { authorization_servers: options.authorizationServers }),
    ...(options.scopesSupported === undefined || options.scopesSupported.length === 0
      ? {}
      : { scopes_supported: options.scopesSupported }),
    bearer_methods_supported: ["header"],
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
    ...(options.resourceDocumentation === undefined ? {} : { resource_documentation: options.resourceDocumentation })
  }
  // Clients that did not get a challenge try the path-inserted URI, then the root one
  // (MCP 2025-11-25, "Protected Resource Metadata Discovery").
  const root = "/.well-known/oauth-protected-resource"
  return { url, paths: path === root ? [root] : [path, root], document }
}

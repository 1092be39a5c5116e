/**
 * OAuth 2.1 resource server for the HTTP transport, as the MCP authorization specification
 * (2025-06-18, 2025-11-25) asks of a server: every request carries `Authorization: Bearer
 * <token>`, the token is verified (signature, issuer, expiry, and the audience, which must name
 * this server), and failures answer 401 or 403 with an RFC 6750 `WWW-Authenticate` challenge
 * whose `resource_metadata` points at the RFC 9728 document the transport serves on
 * `/.well-known/oauth-protected-resource`.
 *
 * Provide an {@link Authenticator} beneath `Http.layer` (or `Http.serve`, `Http.toHttpApp`) and
 * the transport checks every request to the MCP endpoint; handlers read the principal from
 * `McpServer.Context` (`ctx.principal`). A legacy session is bound to the subject that opened
 * it: a request with another subject's token answers 403. Without an Authenticator nothing is
 * checked. stdio is never authenticated: its credentials come from the environment.
 *
 * {@link layerJwt} verifies JWT access tokens with `jose`, from a JWKS URL, a local key set, a
 * shared secret or a key. Verified tokens are cached until their `exp`, so a repeated token
 * costs a Map look-up, not a signature check.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Auth, Http, Lifecycle, McpServer, Tool } from "turbomcp-server"
 *
 * const WhoAmI = Tool.make("whoami", { description: "The caller's subject" }).handle(() =>
 *   Effect.map(McpServer.Context, (ctx) => ctx.principal?.subject ?? "anonymous")
 * )
 *
 * const Main = Http.layer({ port: 3000 }).pipe(
 *   Layer.provide(McpServer.tools(WhoAmI)),
 *   Layer.provide(McpServer.layer({ name: "secure", version: "1.0.0" })),
 *   Layer.provide(Auth.layerJwt({
 *     resource: "https://mcp.example.com/mcp",
 *     issuer: "https://auth.example.com",
 *     jwksUrl: "https://auth.example.com/.well-known/jwks.json",
 *     requiredScopes: ["mcp:tools"]
 *   }))
 * )
 *
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Principal } from "../server/RequestMeta.js"
import * as internal from "./internal/authenticator.js"
import * as jwt from "./internal/jwt.js"

/**
 * A header value by lower-case name (what a transport knows of a request).
 *
 * @since 0.1.0
 * @category models
 */
export type Headers = internal.Headers

/**
 * Establishes who made a request. `authenticate` runs for every request to the MCP endpoint;
 * `authenticateCached`, when given, is its synchronous fast path for credentials seen before
 * (`undefined` sends the request through `authenticate`). `resourceMetadata`, when given, is
 * served by the HTTP transport.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Auth } from "turbomcp-server"
 *
 * // A fixed API key, for a demo: any other token is rejected.
 * export const ApiKeyLive = Layer.succeed(Auth.Authenticator, Auth.Authenticator.of({
 *   authenticate: (headers) =>
 *     Auth.bearerToken(headers) === "let-me-in"
 *       ? Effect.succeed({ subject: "demo", scopes: [], claims: {} })
 *       : Effect.fail(new Auth.InvalidToken({ description: "Unknown API key" }))
 * }))
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export const Authenticator: typeof internal.Authenticator = internal.Authenticator

/**
 * The service shape an `Authenticator` layer provides.
 *
 * @since 0.1.0
 * @category services
 */
export type Authenticator = internal.Authenticator

/**
 * No `Authorization: Bearer` header: 401, a challenge without an error code (RFC 6750 §3.1).
 *
 * @since 0.1.0
 * @category errors
 */
export const MissingToken: typeof internal.MissingToken = internal.MissingToken

/**
 * The type of a {@link MissingToken} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type MissingToken = internal.MissingToken

/**
 * The token is malformed, expired, signed by an unknown key, or meant for another audience or
 * issuer: 401 with `error="invalid_token"`.
 *
 * @since 0.1.0
 * @category errors
 */
export const InvalidToken: typeof internal.InvalidToken = internal.InvalidToken

/**
 * The type of an {@link InvalidToken} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type InvalidToken = internal.InvalidToken

/**
 * The token is valid but lacks a required scope: 403 with `error="insufficient_scope"` and the
 * scopes needed.
 *
 * @since 0.1.0
 * @category errors
 */
export const InsufficientScope: typeof internal.InsufficientScope = internal.InsufficientScope

/**
 * The type of an {@link InsufficientScope} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type InsufficientScope = internal.InsufficientScope

/**
 * The token could not be checked (the key set is unreachable): 503 with `Retry-After`, and no
 * challenge, so the client keeps its token.
 *
 * @since 0.1.0
 * @category errors
 */
export const AuthUnavailable: typeof internal.AuthUnavailable = internal.AuthUnavailable

/**
 * The type of an {@link AuthUnavailable} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type AuthUnavailable = internal.AuthUnavailable

/**
 * Every failure of an {@link Authenticator}; each has the HTTP `status` it answers with and its
 * `wwwAuthenticate` header value.
 *
 * @since 0.1.0
 * @category errors
 */
export type AuthError = internal.AuthError

/**
 * The RFC 9728 protected resource metadata document.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProtectedResourceMetadata extends internal.ProtectedResourceMetadata {}

/**
 * The metadata document, its URL (the challenges' `resource_metadata`) and the paths the HTTP
 * transport serves it on.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceMetadata extends internal.ResourceMetadata {}

/**
 * - `resource`: this server's canonical URI (e.g. `https://mcp.example.com/mcp`).
 * - `authorizationServers`: issuers clients may get tokens from; default `[issuer]`.
 * - `scopesSupported`: default the layer's `requiredScopes`.
 * - `resourceMetadataUrl`: where clients fetch the document; default the RFC 9728 well-known
 *   URI of `resource` (`https://mcp.example.com/.well-known/oauth-protected-resource/mcp`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MetadataOptions extends internal.MetadataOptions {}

/**
 * Builds the protected resource metadata, for a custom {@link Authenticator}'s
 * `resourceMetadata`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resourceMetadata: (options: MetadataOptions) => ResourceMetadata = internal.resourceMetadata

/**
 * The RFC 9728 well-known URI of a resource's metadata.
 *
 * @since 0.1.0
 * @category constructors
 */
export const metadataUrl: (resource: string) => string = internal.metadataUrl

/**
 * The token of an `Authorization: Bearer <token>` header, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const bearerToken: (headers: Headers) => string | undefined = internal.bearerToken

/**
 * Where {@link layerJwt} gets its verification keys: exactly one of
 * - `jwksUrl`: the authorization server's JWKS, fetched on first use and when a token names an
 *   unknown `kid` (`jwksTimeout` 5 s, `jwksCooldown` 30 s, `jwksCacheMaxAge` 10 min);
 * - `jwks`: a local JSON Web Key Set;
 * - `secret`: a shared secret for HS256/384/512;
 * - `key`: a `CryptoKey` or `KeyObject`.
 *
 * @since 0.1.0
 * @category models
 */
export type JwtKeySource = jwt.KeySource

/**
 * Options of {@link layerJwt}, besides the key source:
 * - `resource` (required): this server's canonical URI, the default `audience`;
 * - `audience`: the `aud` a token must carry; audience validation is never off;
 * - `issuer`: the `iss` a token must carry (recommended);
 * - `requiredScopes`: scopes every token must have (403 `insufficient_scope` otherwise); scopes
 *   are read from `scope` (space-separated) or `scp`;
 * - `algorithms`: accepted `alg` values; default any that fits the key;
 * - `clockTolerance`: leeway for `exp`/`nbf`/`iat` checks;
 * - `cacheSize`: verified tokens kept until their `exp`; default 10,000, 0 disables;
 * - `serveMetadata`: serve the RFC 9728 document from the HTTP transport; default true;
 * - the {@link MetadataOptions} fields.
 *
 * Tokens must carry `exp` and `sub`; `sub` becomes the principal's `subject`, the payload its
 * `claims`.
 *
 * @since 0.1.0
 * @category models
 */
export type JwtOptions = jwt.Options

/**
 * An `Authenticator` that verifies JWT bearer tokens (see {@link JwtOptions}), for use without a
 * layer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeJwt = (options: JwtOptions): Effect.Effect<Authenticator["Type"]> => jwt.make(options)

/**
 * Verifies JWT bearer tokens (see {@link JwtOptions}); provide it beneath the HTTP transport.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerJwt = (options: JwtOptions): Layer.Layer<Authenticator> =>
  Layer.effect(internal.Authenticator, makeJwt(options))

/**
 * `layerJwt` with its options read from `Config` when the layer is built; a missing or
 * malformed value fails the layer with a `ConfigError`. Read a shared secret with
 * `Config.redacted`; a JWKS URL, the issuer and the resource with `Config.string`.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Config, Layer } from "effect"
 * import { Auth, Http, Lifecycle, McpServer } from "turbomcp-server"
 *
 * const AuthLive = Auth.layerJwtConfig({
 *   resource: Config.string("MCP_RESOURCE"),
 *   issuer: Config.string("OAUTH_ISSUER"),
 *   jwksUrl: Config.string("OAUTH_JWKS_URL"),
 *   requiredScopes: Config.array(Config.string(), "MCP_REQUIRED_SCOPES").pipe(Config.withDefault([]))
 * })
 *
 * const Main = Http.layer({ port: 3000 }).pipe(
 *   Layer.provide(McpServer.layer({ name: "secure", version: "1.0.0" })),
 *   Layer.provide(AuthLive)
 * )
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerJwtConfig = (
  options: Config.Config.Wrap<JwtOptions>
): Layer.Layer<Authenticator, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layerJwt))

/**
 * The principal of a request, for code outside a handler that has the headers at hand.
 *
 * @since 0.1.0
 * @category accessors
 */
export const authenticate = (headers: Headers): Effect.Effect<Principal, AuthError, Authenticator> =>
  Effect.flatMap(internal.Authenticator, (auth) => auth.authenticate(headers))

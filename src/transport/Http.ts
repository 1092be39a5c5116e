/**
 * Streamable HTTP: one MCP endpoint (default `/mcp`) for every revision, served by a
 * thin node:http listener that runs the dispatcher per request on the server's
 * prebuilt runtime (DESIGN.md, "The hot path"). Legacy sessions (`Mcp-Session-Id`),
 * the standalone GET stream, resumable SSE with `Last-Event-ID`, SSE polling
 * (SEP-1699), DNS-rebinding protection and body limits are built in; the 2024-11-05
 * HTTP+SSE transport is one option away.
 *
 * Closing the scope drains: new MCP requests answer 503, `subscriptions/listen` streams end
 * with their result, requests in flight get `drainTimeout` to finish and are interrupted
 * after it, then sessions and their SSE streams end and the socket closes. With
 * `Metrics.McpMetrics` in its context, the endpoint counts its TCP connections in
 * `active_connections`. With an `Auth.Authenticator` in its context (e.g. `Auth.layerJwt`),
 * every request to the endpoint is authenticated (401/403 with a `WWW-Authenticate`
 * challenge), legacy sessions are bound to their subject, and the RFC 9728 metadata is served
 * on `/.well-known/oauth-protected-resource`.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as http from "node:http"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type { McpServer } from "../server/McpServer.js"
import type { EventStore } from "./EventStore.js"
import * as internal from "./internal/http.js"

/**
 * The running endpoint, provided by `layerEndpoint`.
 *
 * @since 0.1.0
 * @category services
 */
export const Endpoint: typeof internal.Endpoint = internal.Endpoint

/**
 * The service shape of {@link Endpoint}.
 *
 * @since 0.1.0
 * @category services
 */
export type Endpoint = internal.Endpoint

/**
 * Options of the Streamable HTTP endpoint; every one has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** Default `/mcp`. */
  readonly path?: string
  /**
   * Bounds on each JSON-RPC message (nesting depth, string and array sizes, batch size); a
   * message over one is answered -32600. Default `JsonRpc.defaultLimits`.
   */
  readonly limits?: Partial<JsonRpc.Limits>
  /** Largest accepted request body in bytes; default 4 MiB (413 beyond). */
  readonly maxBodyBytes?: number
  /** Legacy sessions with `Mcp-Session-Id`; default true. `false` serves every request statelessly. */
  readonly sessions?: boolean
  /**
   * `auto` (default) answers JSON and switches to SSE when a request sends messages before
   * its response; `sse` always streams (resumable, with a priming event); `json` never streams
   * unless it must.
   */
  readonly responseMode?: "auto" | "sse" | "json"
  /** The SSE `retry` the priming event advertises; default 1 second. A plain number is milliseconds. */
  readonly retryMs?: Duration.DurationInput
  /** The standalone GET stream; default true (405 when false). */
  readonly standaloneStream?: boolean
  /** Also serve the 2024-11-05 HTTP+SSE transport on `GET /sse` and `POST /messages`; default false. */
  readonly legacySse?: boolean
  /** Idle sessions expire after this long; default 30 minutes. */
  readonly sessionIdleTimeout?: Duration.DurationInput
  /** At most this many sessions at once; default 10,000 (503 beyond). */
  readonly maxSessions?: number
  /** SSE keep-alive comment interval; default 25 seconds. */
  readonly keepAlive?: Duration.DurationInput
  /**
   * Host names accepted in `Host` (DNS-rebinding protection). Default: the loopback names when
   * bound to a loopback address, any otherwise. Pass `"any"` to disable.
   */
  readonly allowedHosts?: ReadonlyArray<string> | "any"
  /** Origins accepted in `Origin`; default: loopback origins when bound to loopback, any otherwise. */
  readonly allowedOrigins?: ReadonlyArray<string> | "any"
  /** Serves every other path (management routes); default 404. */
  readonly fallback?: (req: http.IncomingMessage, res: http.ServerResponse) => void
  /** How long shutdown waits for requests in flight before interrupting them; default 30 seconds. */
  readonly drainTimeout?: Duration.DurationInput
}

/**
 * A running endpoint: its address and counters.
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpEndpoint {
  readonly port: number
  readonly host: string
  readonly url: string
  readonly sessionCount: () => number
  readonly isDraining: () => boolean
}

/**
 * Serves the `McpServer` on Streamable HTTP for as long as the scope is open; closing the
 * scope drains requests in flight, ends every session and closes the socket.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve: (options?: Options) => Effect.Effect<HttpEndpoint, never, McpServer | EventStore | Scope.Scope> =
  internal.serve

/**
 * The same endpoint as an `@effect/platform` `HttpApp`, to mount in your own `HttpRouter`
 * (convenient; slower than `serve`'s plain node:http listener). Paths other than the MCP
 * endpoint answer 404. Closing the scope drains requests in flight.
 *
 * @example
 * import { HttpRouter } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Http } from "turbomcp-server"
 *
 * const router = Effect.map(Http.toHttpApp(), (mcp) => HttpRouter.empty.pipe(HttpRouter.all("/mcp", mcp)))
 *
 * @since 0.1.0
 * @category constructors
 */
export const toHttpApp: (
  options?: Options
) => Effect.Effect<
  HttpApp.Default<never, HttpServerRequest.HttpServerRequest>,
  never,
  McpServer | EventStore | Scope.Scope
> = internal.toHttpApp

/**
 * `serve` as a layer, with the in-memory `EventStore` unless one is provided.
 *
 * @example
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { Http, Lifecycle, McpServer } from "turbomcp-server"
 *
 * const Main = Http.layer({ port: 3000 }).pipe(Layer.provide(McpServer.layer({ name: "demo", version: "1.0.0" })))
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: Options) => Layer.Layer<never, never, McpServer> = internal.layer

/**
 * Like `layer`, and also provides the running endpoint (tests read its port).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEndpoint: (options?: Options) => Layer.Layer<Endpoint, never, McpServer> = internal.layerEndpoint


/**
 * `layer` with its options read from `Config` when the layer is built; a missing or malformed
 * value fails the layer with a `ConfigError`. Each option is a `Config` of its value (use
 * `Config.succeed` for a constant, `Config.withDefault` for an optional variable), or the whole
 * options object is one `Config`.
 *
 * @example
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Config, Layer } from "effect"
 * import { Http, Lifecycle, McpServer } from "turbomcp-server"
 *
 * const Main = Http.layerConfig({
 *   port: Config.integer("MCP_PORT").pipe(Config.withDefault(3000)),
 *   host: Config.string("MCP_HOST").pipe(Config.withDefault("127.0.0.1")),
 *   sessionIdleTimeout: Config.duration("MCP_SESSION_IDLE").pipe(Config.withDefault("30 minutes"))
 * }).pipe(Layer.provide(McpServer.layer({ name: "demo", version: "1.0.0" })))
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<never, ConfigError.ConfigError, McpServer> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layer))

/**
 * `layerEndpoint` with its options read from `Config`, as {@link layerConfig} reads them.
 *
 * @example
 * import { Config, Effect, Layer } from "effect"
 * import { Http, McpServer } from "turbomcp-server"
 *
 * const program = Effect.gen(function*() {
 *   const endpoint = yield* Http.Endpoint
 *   yield* Effect.log(`listening on ${endpoint.url}`)
 * }).pipe(
 *   Effect.provide(Http.layerEndpointConfig({ port: Config.integer("MCP_PORT") }).pipe(
 *     Layer.provide(McpServer.layer({ name: "demo", version: "1.0.0" }))
 *   ))
 * )
 *
 * @since 0.2.0
 * @category layers
 */
export const layerEndpointConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<Endpoint, ConfigError.ConfigError, McpServer> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layerEndpoint))

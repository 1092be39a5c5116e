/**
 * Management routes: liveness and readiness (`/health/live`, `/health/ready`), Prometheus
 * metrics (`/metrics`, optionally behind basic auth), the same metrics as JSON
 * (`/metrics/json`), a `/status` JSON route fed by an effect and a `/config` route that shows
 * a configuration with its secrets redacted. Paths are configurable.
 *
 * Three ways to serve them:
 * - {@link layer}: on their own port, with `NodeHttpServer`;
 * - {@link router} / {@link layerServe}: in an `@effect/platform` app or server of your own;
 * - {@link layerNodeHandler}: as a plain `(req, res) => void` node:http listener, which the MCP
 *   HTTP endpoint calls for the paths it does not serve itself ({@link ManagementHandler}).
 *
 * Readiness answers 503 when a critical check is unhealthy or the server drains, 200 otherwise
 * (degraded included); the body lists every check with its status and latency.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Health, Management, Metrics } from "turbomcp-server"
 *
 * const ManagementLive = Management.layer({
 *   port: 9464,
 *   metricsAuth: { username: "prometheus", password: Redacted.make("s3cret") },
 *   status: Effect.succeed({ name: "calc", version: "1.0.0" })
 * }).pipe(Layer.provide(Health.layer()), Layer.provide(Metrics.layerPrometheus()))
 *
 * NodeRuntime.runMain(Layer.launch(ManagementLive))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Health from "../observability/Health.js"
import * as internal from "./internal/management.js"
import * as internalRedact from "./internal/redact.js"

/**
 * The paths the management routes answer on (`live`, `ready`, `metrics`, `metricsJson`, `status`,
 * `config`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Paths extends internal.Paths {}

/**
 * `/health/live`, `/health/ready`, `/metrics`, `/metrics/json`, `/status`, `/config`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPaths: Paths = internal.defaultPaths

/**
 * Credentials for `/metrics`; the password stays `Redacted` until compared.
 *
 * @since 0.1.0
 * @category models
 */
export interface BasicAuth extends internal.BasicAuth {}

/**
 * - `paths`: overrides of {@link defaultPaths}.
 * - `metricsAuth`: basic auth for `/metrics` (answered 401 without it).
 * - `status`: the effect `/status` answers with, as JSON; without it the route is absent. A
 *   failure answers 500 and is logged.
 * - `config`: the effect `/config` answers with, passed through {@link redact} (with the
 *   `redact` options); without it the route is absent.
 * - `metricsJson` (default `true`): serve `/metrics/json`, Effect's metric registry as
 *   `{ metrics: [...] }` (`Metrics.snapshot`), behind `metricsAuth` like `/metrics`.
 * - `tracing` (default `false`): trace management requests; probes every few seconds are
 *   mostly noise.
 *
 * `/metrics` answers 404 unless `Metrics.Prometheus` is in context (`Metrics.layerPrometheus`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<R = never> extends internal.Options<R> {}

/**
 * Options of {@link layerServe}: the route options, and the `port` and `host` it listens on.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions<R = never> extends internal.ServeOptions<R> {}

/**
 * A node:http request listener.
 *
 * @since 0.1.0
 * @category models
 */
export type NodeHandler = internal.NodeHandler

/**
 * The routes as an `@effect/platform` router, to mount or concatenate in your own app.
 *
 * @since 0.1.0
 * @category constructors
 */
export const router: <R = never>(options?: Options<R>) => HttpRouter.HttpRouter<never, Health.Health | R> =
  internal.router

/**
 * Turns any `HttpApp` into a node:http listener running on the runtime of the calling fiber
 * (`NodeHttpServer.makeHandler`): build it once, in a layer, and call it per request. The first
 * request imports `@effect/platform-node/NodeHttpServer`, so that start-up does without it.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toNodeHandler: <E, R>(
  app: HttpApp.Default<E, R>
) => Effect.Effect<NodeHandler, never, Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> =
  internal.toNodeHandler

/**
 * The management routes as a node:http listener, for an HTTP server that is not an
 * `@effect/platform` one.
 *
 * ```ts
 * const mgmt = yield* Management.ManagementHandler
 * http.createServer((req, res) => req.url?.startsWith("/mcp") ? mcp(req, res) : mgmt.handle(req, res))
 * ```
 *
 * `matches(req.url)` tells whether a URL is one of the management paths (query ignored), for a
 * caller that answers 404 itself; `handle` answers 404 for other paths.
 *
 * @since 0.1.0
 * @category services
 */
export class ManagementHandler extends Context.Tag("turbomcp/http/Management/ManagementHandler")<
  ManagementHandler,
  {
    readonly handle: NodeHandler
    readonly matches: (url: string | undefined) => boolean
    readonly paths: Paths
  }
>() {}

/**
 * The management routes as a node:http handler, with a matcher for their paths, to call from the
 * MCP endpoint's `fallback`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHandler: <R = never>(
  options?: Options<R>
) => Effect.Effect<
  ManagementHandler["Type"],
  never,
  Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>
> = internal.makeHandler

/**
 * {@link ManagementHandler}, with the runtime of the layer's context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNodeHandler = <R = never>(
  options?: Options<R>
): Layer.Layer<ManagementHandler, never, Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> =>
  Layer.effect(ManagementHandler, makeHandler(options))

/**
 * Serves the routes on the `HttpServer` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServe: <R = never>(
  options?: Options<R>
) => Layer.Layer<
  never,
  never,
  HttpServer.HttpServer | Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>
> = internal.layerServe

/**
 * Serves the routes on their own port with `NodeHttpServer` (port `0` picks a free one).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: <R = never>(
  options: ServeOptions<R>
) => Layer.Layer<never, ServeError, Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> =
  internal.layer

/**
 * Checks an `Authorization: Basic …` header against the credentials, in constant time.
 *
 * @since 0.1.0
 * @category auth
 */
export const checkBasicAuth: (header: string | undefined, auth: BasicAuth) => boolean = internal.checkBasicAuth

/**
 * Which keys count as secrets when configuration is shown: `secretKeys`, default {@link
 * defaultSecretKeys}.
 *
 * @since 0.1.0
 * @category models
 */
export interface RedactOptions extends internalRedact.RedactOptions {}

/**
 * Keys whose values {@link redact} hides: passwords, secrets, tokens, API and private keys,
 * credentials, authorization, cookies.
 *
 * @since 0.1.0
 * @category redaction
 */
export const defaultSecretKeys: RegExp = internalRedact.defaultSecretKeys

/**
 * A JSON-ready copy of a configuration with its secrets hidden as `"<redacted>"`: `Redacted`
 * values, string or object values under keys matching `secretKeys`, and passwords in URLs.
 * Functions are dropped; `Duration`s, `Option`s and dates are made readable.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Management } from "turbomcp-server"
 *
 * Management.redact({ redis: "redis://app:hunter2@127.0.0.1:6379", apiKey: "k-123", jwt: Redacted.make("s") })
 * // { redis: "redis://app:redacted@127.0.0.1:6379", apiKey: "<redacted>", jwt: "<redacted>" }
 * ```
 *
 * @since 0.1.0
 * @category redaction
 */
export const redact: (value: unknown, options?: RedactOptions) => unknown = internalRedact.redact

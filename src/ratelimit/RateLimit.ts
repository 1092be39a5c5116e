/**
 * Rate limiting of MCP requests, over `@effect/experimental`'s `RateLimiter`: a middleware
 * consumes one token per request of the limited methods (by default `tools/call`,
 * `resources/read` and `prompts/get`), keyed by the caller, and fails a request over the
 * limit with `McpError.RateLimitExceeded`, which clients receive as JSON-RPC error -32000
 * `Rate limit exceeded` with `data: { retryAfterMs }`. Over HTTP a 2026-07-28 request also gets
 * status 429 and `Retry-After`; legacy requests answer 200, the error being in the body.
 *
 * The caller is the authenticated principal's subject (see `Auth`), else the legacy session,
 * else `"anonymous"` (one bucket for every unauthenticated stateless request): pass `key` to
 * choose. Counters live in memory with {@link layer}; `RateLimitRedis.layer` shares them
 * across nodes. Other methods pass through at the cost of one context read.
 *
 * The middleware is registered when the layer is built: provide it beneath the transport and
 * above `McpServer.layer`; with `Layer.provide`, the layer listed later is built first and its
 * middleware runs outside the ones listed before it.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Layer, Schema } from "effect"
 * import { Http, Lifecycle, McpServer, RateLimit, Tool } from "turbomcp-server"
 *
 * const Echo = Tool.make("echo", { description: "Echo", parameters: { text: Schema.String } })
 *   .handle(({ text }) => Effect.succeed(text))
 *
 * const Main = Http.layer({ port: 3000 }).pipe(
 *   Layer.provide(McpServer.tools(Echo)),
 *   Layer.provide(RateLimit.layer({ limit: 60, window: "1 minute" })), // 60 calls a minute per caller
 *   Layer.provide(McpServer.layer({ name: "limited", version: "1.0.0" }))
 * )
 *
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.1.0
 */
import type * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { McpContext } from "../server/McpContext.js"
import type { Middleware } from "../server/Middleware.js"
import type { Registry } from "../server/Registry.js"
import * as internal from "./internal/rateLimit.js"

/**
 * - `limit` requests per `window` and key;
 * - `algorithm`: `"fixed-window"` (default, as `RateLimiter`) or `"token-bucket"` (one token
 *   back every `window / limit`);
 * - `key`: the caller of a request (default {@link defaultKey});
 * - `methods`: the methods limited (default {@link defaultMethods}); they share one budget.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends internal.Options {}

/**
 * `tools/call`, `resources/read`, `prompts/get`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMethods: ReadonlyArray<string> = internal.defaultMethods

/**
 * `principal:<subject>` when the request is authenticated, else `session:<id>` for a legacy
 * session, else `anonymous`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultKey: (ctx: McpContext["Type"]) => string = internal.defaultKey

/**
 * The middleware over a `RateLimiter`; the layers register it. Use it with
 * `McpServer.middleware` to choose its place among other middleware.
 *
 * @since 0.1.0
 * @category middleware
 */
export const middleware: (limiter: RateLimiter.RateLimiter, options: Options) => Middleware = internal.middleware

/**
 * Registers the rate limit middleware with counters in memory (per process). They count as
 * `RateLimiter.layerStoreMemory` does, and the middleware reads them synchronously: a request
 * costs one Effect step, not a `RateLimiter.consume`. The `layer`s of one application share
 * their counters.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options: Options) => Layer.Layer<never, never, Registry> = internal.layer

/**
 * Like {@link layer}, with the counters in the `RateLimiterStore` you provide (e.g.
 * `RateLimiter/Redis.layerStore` of `@effect/experimental`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithoutDependencies: (
  options: Options
) => Layer.Layer<never, never, Registry | RateLimiter.RateLimiterStore> = internal.layerWithoutDependencies

/**
 * {@link layer} with `limit` and `window` read from configuration.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import { RateLimit } from "turbomcp-server"
 *
 * export const RateLimitLive = RateLimit.layerConfig({
 *   limit: Config.integer("MCP_RATE_LIMIT"),
 *   window: Config.duration("MCP_RATE_WINDOW")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Pick<Options, "limit" | "window">>,
  rest: Omit<Options, "limit" | "window"> = {}
): Layer.Layer<never, ConfigError.ConfigError, Registry> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), (values) => layer({ ...rest, ...values })))

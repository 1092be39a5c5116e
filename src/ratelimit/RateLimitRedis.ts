/**
 * The rate limit's counters in Redis, shared by every node of a deployment (the store of
 * `@effect/experimental`'s `RateLimiter/Redis`, on `ioredis`). Its own module so that importing
 * `turbomcp-server` does not load `ioredis`: import it as `turbomcp-server/ratelimit/RateLimitRedis`.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { Http, Lifecycle, McpServer } from "turbomcp-server"
 * import * as RateLimitRedis from "turbomcp-server/ratelimit/RateLimitRedis"
 *
 * const Main = Http.layer({ port: 3000 }).pipe(
 *   Layer.provide(RateLimitRedis.layer(
 *     { limit: 100, window: "1 minute" },
 *     { host: "127.0.0.1", port: 6379, prefix: "mcp:ratelimit:" }
 *   )),
 *   Layer.provide(McpServer.layer({ name: "limited", version: "1.0.0" }))
 * )
 *
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.1.0
 */
import type * as RateLimiter from "@effect/experimental/RateLimiter"
import { RateLimiterStore } from "@effect/experimental/RateLimiter"
import * as RedisStore from "@effect/experimental/RateLimiter/Redis"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type { RedisOptions as IoRedisOptions } from "ioredis"
import type { Registry } from "../server/Registry.js"
import * as internal from "./internal/rateLimit.js"
import type { Options } from "./RateLimit.js"

/**
 * `ioredis` connection options, and the `prefix` of the store's keys (default `ratelimiter:`).
 *
 * @since 0.1.0
 * @category models
 */
export type RedisOptions = IoRedisOptions & { readonly prefix?: string | undefined }

/**
 * The `RateLimiterStore` in Redis; its connection closes with the layer's scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStore = (redis: RedisOptions): Layer.Layer<RateLimiter.RateLimiterStore> =>
  Layer.scoped(
    RateLimiterStore,
    Effect.gen(function*() {
      // The store's finalizer (`quit`) rejects when Redis is unreachable at shutdown; that must
      // not fail the shutdown of the whole server, so it runs in a scope of its own whose
      // failure is only logged.
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer(() =>
        Scope.close(scope, Exit.void).pipe(
          Effect.catchAllCause((cause) => Effect.logWarning("Closing the rate limit's Redis connection failed", cause))
        )
      )
      // `make` spells out ioredis' option types without `| undefined`; they are the same options
      // `RedisStore.layerStore` takes as `RedisOptions`.
      const store = RedisStore.make(redis as Parameters<typeof RedisStore.make>[0])
      return RateLimiterStore.of(yield* Scope.extend(store, scope))
    })
  )

/**
 * `RateLimit.layer` with its counters in Redis.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options, redis: RedisOptions): Layer.Layer<never, never, Registry> =>
  internal.layerWithoutDependencies(options).pipe(Layer.provide(layerStore(redis)))

/**
 * {@link layer} with the limit, the window and the Redis address read from configuration.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Pick<Options, "limit" | "window">>,
  redis: Config.Config.Wrap<RedisOptions>,
  rest: Omit<Options, "limit" | "window"> = {}
): Layer.Layer<never, ConfigError.ConfigError, Registry> =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.all([Config.unwrap(options), Config.unwrap(redis)]),
      ([values, connection]) => layer({ ...rest, ...values }, connection)
    )
  )

/** @internal */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as McpError from "../../protocol/McpError.js"
import { McpContext } from "../../server/McpContext.js"
import type { Middleware } from "../../server/Middleware.js"
import { Registry } from "../../server/Registry.js"

/** @internal */
export interface Options {
  readonly limit: number
  readonly window: Duration.DurationInput
  readonly algorithm?: "token-bucket" | "fixed-window" | undefined
  readonly key?: ((ctx: McpContext["Type"]) => string) | undefined
  readonly methods?: ReadonlyArray<string> | undefined
}

/** @internal */
export const defaultMethods: ReadonlyArray<string> = ["tools/call", "resources/read", "prompts/get"]

/** @internal */
export const defaultKey = (ctx: McpContext["Type"]): string => {
  const subject = ctx.principal?.subject
  if (subject !== undefined) return `principal:${subject}`
  const session = ctx.meta.sessionId
  return session === undefined ? "anonymous" : `session:${session}`
}

/** @internal */
export const middleware = (limiter: RateLimiter.RateLimiter, options: Options): Middleware => {
  const methods = new Set(options.methods ?? defaultMethods)
  const keyOf = options.key ?? defaultKey
  // Built once: the limiter's options, less the key.
  const base = {
    algorithm: options.algorithm ?? "fixed-window",
    onExceeded: "fail",
    window: Duration.decode(options.window),
    limit: options.limit
  } as const
  const consume = (key: string): Effect.Effect<void, McpError.RateLimitExceeded> =>
    Effect.catchAll(limiter.consume({ ...base, key }), (error) =>
      error.reason === "Exceeded"
        ? Effect.fail(new McpError.RateLimitExceeded({ retryAfterMs: Math.ceil(Duration.toMillis(error.retryAfter)) }))
        // The store failed (Redis down): serve the request rather than fail every caller.
        : Effect.logWarning("Rate limit not applied: the store failed", error))
  // The dispatcher answers every McpError a middleware fails with through `toErrorObject`;
  // `Middleware` has no error channel of its own, hence the cast.
  return ((handler: Effect.Effect<unknown, unknown, unknown>) =>
    Effect.flatMap(McpContext, (ctx) =>
      methods.has(ctx.method) ? Effect.zipRight(consume(keyOf(ctx)), handler) : handler)) as Middleware
}

const validate = (options: Options) =>
  Effect.suspend(() => {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) {
      return Effect.dieMessage(`RateLimit: limit must be a positive integer, got ${options.limit}`)
    }
    if (!Duration.greaterThan(Duration.decode(options.window), Duration.zero)) {
      return Effect.dieMessage("RateLimit: window must be longer than zero")
    }
    return Effect.void
  })

/** @internal */
export const layerWithoutDependencies = (
  options: Options
): Layer.Layer<never, never, Registry | RateLimiter.RateLimiterStore> =>
  Layer.effectDiscard(Effect.gen(function*() {
    yield* validate(options)
    const limiter = yield* RateLimiter.make
    const registry = yield* Registry
    yield* registry.addMiddleware(middleware(limiter, options))
  }))

/** @internal */
export const layer = (options: Options): Layer.Layer<never, never, Registry> =>
  layerWithoutDependencies(options).pipe(Layer.provide(RateLimiter.layerStoreMemory))

/** @internal */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
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

// The dispatcher answers every McpError a middleware fails with through `toErrorObject`;
// `Middleware` has no error channel of its own, hence the casts to `Middleware` below.
type AnyEffect = Effect.Effect<unknown, unknown, unknown>

/** The request context, read in the step that decides, rather than in a step of its own. */
const contextOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>): McpContext["Type"] =>
  Context.unsafeGet(fiber.currentContext, McpContext)

/** `Clock.currentTimeMillis`, synchronously: the fiber's clock (a `TestClock` in tests). */
const nowOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>): number =>
  Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()

/**
 * @internal
 * The middleware over any `RateLimiter` (any store): one `consume` per limited request.
 */
export const middleware = (limiter: RateLimiter.RateLimiter, options: Options): Middleware => {
  const methods = new Set(options.methods ?? defaultMethods)
  const keyOf = options.key ?? defaultKey
  const algorithm = options.algorithm ?? "fixed-window"
  const window = Duration.decode(options.window)
  const limit = options.limit
  return ((handler: AnyEffect) =>
    Effect.withFiberRuntime<unknown, unknown, unknown>((fiber) => {
      const ctx = contextOf(fiber)
      if (!methods.has(ctx.method)) return handler
      return Effect.matchEffect(
        limiter.consume({ algorithm, onExceeded: "fail", window, limit, key: keyOf(ctx) }),
        {
          onFailure: (error) =>
            error.reason === "Exceeded"
              ? Effect.fail(new McpError.RateLimitExceeded({ retryAfterMs: Math.ceil(Duration.toMillis(error.retryAfter)) }))
              // The store failed (Redis down): serve the request rather than fail every caller.
              : Effect.zipRight(Effect.logWarning("Rate limit not applied: the store failed", error), handler),
          onSuccess: () => handler
        }
      )
    })) as Middleware
}

// --- the memory store -------------------------------------------------------------------------

/**
 * @internal
 * The counters of the memory store, read and written synchronously: the same maps and the same
 * arithmetic as `RateLimiter.layerStoreMemory` of `@effect/experimental` (0.61), so that the
 * middleware over them answers exactly what `RateLimiter.consume` over that store answers.
 * Unlike that store, entries that no longer matter are dropped: a fixed window past its expiry,
 * a bucket that has refilled (keys include session ids, so the maps would otherwise grow with
 * every session ever seen). A dropped entry behaves as a new one; a refilled bucket's next
 * refill may then come up to one refill interval later.
 */
export interface MemoryCounters {
  /** `[count, ttl]`: the count after taking `tokens` (over `limit` when refused) and the window's time to live. */
  readonly fixedWindow: (
    key: string,
    tokens: number,
    refillRateMillis: number,
    limit: number | undefined,
    now: number
  ) => readonly [count: number, ttl: number]
  /** The tokens left after taking `tokens`; below zero when refused (taken anyway with `allowOverflow`). */
  readonly tokenBucket: (
    key: string,
    tokens: number,
    limit: number,
    refillRateMillis: number,
    allowOverflow: boolean,
    now: number
  ) => number
  /** Entries held, for tests. */
  readonly size: () => number
}

/** @internal */
export const makeMemoryCounters = (): MemoryCounters => {
  // Private to this closure and touched only synchronously.
  const fixedCounters = new Map<string, { count: number; expiresAt: number }>()
  const tokenBuckets = new Map<string, { tokens: number; lastRefill: number; limit: number; refillRateMillis: number }>()
  let sweepAt = 1_024

  // Amortized: a full pass each time the maps have doubled since the last one.
  const sweep = (now: number) => {
    if (fixedCounters.size + tokenBuckets.size < sweepAt) return
    for (const [key, counter] of fixedCounters) if (counter.expiresAt <= now) fixedCounters.delete(key)
    for (const [key, bucket] of tokenBuckets) {
      if (bucket.tokens + Math.floor((now - bucket.lastRefill) / bucket.refillRateMillis) >= bucket.limit) {
        tokenBuckets.delete(key)
      }
    }
    sweepAt = Math.max(1_024, 2 * (fixedCounters.size + tokenBuckets.size))
  }

  return {
    fixedWindow: (key, tokens, refillRateMillis, limit, now) => {
      let counter = fixedCounters.get(key)
      if (!counter || counter.expiresAt <= now) {
        sweep(now)
        counter = { count: 0, expiresAt: now }
        fixedCounters.set(key, counter)
      }
      if (limit && counter.count + tokens > limit) {
        return [counter.count + tokens, counter.expiresAt - now]
      }
      counter.count += tokens
      counter.expiresAt += refillRateMillis * tokens
      return [counter.count, counter.expiresAt - now]
    },
    tokenBucket: (key, tokens, limit, refillRateMillis, allowOverflow, now) => {
      let bucket = tokenBuckets.get(key)
      if (!bucket) {
        sweep(now)
        bucket = { tokens: limit, lastRefill: now, limit, refillRateMillis }
        tokenBuckets.set(key, bucket)
      } else {
        bucket.limit = limit
        bucket.refillRateMillis = refillRateMillis
        const elapsed = now - bucket.lastRefill
        const tokensToAdd = Math.floor(elapsed / refillRateMillis)
        if (tokensToAdd > 0) {
          bucket.tokens = Math.min(limit, bucket.tokens + tokensToAdd)
          bucket.lastRefill += tokensToAdd * refillRateMillis
        }
      }
      const newTokenCount = bucket.tokens - tokens
      if (allowOverflow || newTokenCount >= 0) {
        bucket.tokens = newTokenCount
      }
      return newTokenCount
    },
    size: () => fixedCounters.size + tokenBuckets.size
  }
}

type RateLimiterStore = RateLimiter.RateLimiterStore["Type"]

/** The counters behind the stores {@link storeOf} made. */
const countersOf = new WeakMap<RateLimiterStore, MemoryCounters>()

/** @internal A `RateLimiterStore` over `counters`, for `RateLimiter.make` and other users of the store. */
export const storeOf = (counters: MemoryCounters): RateLimiterStore => {
  const store = RateLimiter.RateLimiterStore.of({
    fixedWindow: (options) =>
      Effect.clockWith((clock) =>
        Effect.sync(() =>
          counters.fixedWindow(
            options.key,
            options.tokens,
            Duration.toMillis(options.refillRate),
            options.limit,
            clock.unsafeCurrentTimeMillis()
          )
        )
      ),
    tokenBucket: (options) =>
      Effect.clockWith((clock) =>
        Effect.sync(() =>
          counters.tokenBucket(
            options.key,
            options.tokens,
            options.limit,
            Duration.toMillis(options.refillRate),
            options.allowOverflow,
            clock.unsafeCurrentTimeMillis()
          )
        )
      )
  })
  countersOf.set(store, counters)
  return store
}

/**
 * @internal
 * The memory store `layer` provides: `RateLimiter.layerStoreMemory`'s behaviour, with counters the
 * middleware reads synchronously. One value, so that the `layer`s of one application share it
 * (layers are memoized by reference), as they shared `RateLimiter.layerStoreMemory`.
 */
export const layerStoreMemory: Layer.Layer<RateLimiter.RateLimiterStore> = Layer.sync(
  RateLimiter.RateLimiterStore,
  () => storeOf(makeMemoryCounters())
)

/**
 * @internal
 * The middleware over memory counters: what {@link middleware} does over a `RateLimiter` on that
 * store, decided in one synchronous step (no Effect per request besides the one that reads the
 * request context and the clock). `options` must be valid (see `validate`): `limit >= 1`, so
 * the one token a request takes never exceeds the limit by itself.
 */
export const middlewareMemory = (counters: MemoryCounters, options: Options): Middleware => {
  const methods = new Set(options.methods ?? defaultMethods)
  const keyOf = options.key ?? defaultKey
  const limit = options.limit
  // As `RateLimiter.consume` computes them on every call.
  const refillRate = Duration.unsafeDivide(Duration.decode(options.window), limit)
  const refillRateMillis = Duration.toMillis(refillRate)
  const exceeded = (retryAfter: Duration.Duration) =>
    Effect.fail(new McpError.RateLimitExceeded({ retryAfterMs: Math.ceil(Duration.toMillis(retryAfter)) }))
  if (options.algorithm === "token-bucket") {
    return ((handler: AnyEffect) =>
      Effect.withFiberRuntime<unknown, unknown, unknown>((fiber) => {
        const ctx = contextOf(fiber)
        if (!methods.has(ctx.method)) return handler
        const remaining = counters.tokenBucket(keyOf(ctx), 1, limit, refillRateMillis, false, nowOf(fiber))
        return remaining < 0 ? exceeded(Duration.times(refillRate, -remaining)) : handler
      })) as Middleware
  }
  return ((handler: AnyEffect) =>
    Effect.withFiberRuntime<unknown, unknown, unknown>((fiber) => {
      const ctx = contextOf(fiber)
      if (!methods.has(ctx.method)) return handler
      const [count, ttl] = counters.fixedWindow(keyOf(ctx), 1, refillRateMillis, limit, nowOf(fiber))
      return limit - count < 0 ? exceeded(Duration.millis(ttl)) : handler
    })) as Middleware
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
    // Over the memory store `layer` provides, the middleware reads its counters directly.
    const counters = countersOf.get(yield* RateLimiter.RateLimiterStore)
    const registry = yield* Registry
    yield* registry.addMiddleware(
      counters === undefined ? middleware(yield* RateLimiter.make, options) : middlewareMemory(counters, options)
    )
  }))

/** @internal */
export const layer = (options: Options): Layer.Layer<never, never, Registry> =>
  layerWithoutDependencies(options).pipe(Layer.provide(layerStoreMemory))

// RateLimit.layer: the middleware over @effect/experimental's RateLimiter, driven in process
// with TestClock windows.
import * as RateLimiter from "@effect/experimental/RateLimiter"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Schema, TestClock } from "effect"
import { McpContext, McpError, McpServer, RateLimit, RequestMeta, Tool } from "turbomcp-server"
import * as internal from "../../src/ratelimit/internal/rateLimit.js"
import { makeClient, serverLayer, type Wire } from "../utils/harness.js"

const Echo = Tool.make("echo", { description: "Echo", parameters: { text: Schema.String } }).handle(({ text }) =>
  Effect.succeed(text)
)

const live = (options: RateLimit.Options) =>
  serverLayer(Layer.mergeAll(McpServer.tools(Echo), RateLimit.layer(options)))

const callEcho = (client: Effect.Effect.Success<ReturnType<typeof makeClient>>, text = "hi") =>
  client.request("tools/call", { name: "echo", arguments: { text } })

const isRateLimited = (response: Wire) => response.error?.code === -32000 && response.error?.message === "Rate limit exceeded"

describe("RateLimit.layer", () => {
  it.scoped("the request over the limit gets -32000 with retryAfterMs; after the window it passes again", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* callEcho(client)).result.content[0].text, "hi")
      const limited = yield* callEcho(client)
      assert.isTrue(isRateLimited(limited), JSON.stringify(limited))
      assert.isAbove(limited.error.data.retryAfterMs, 0)
      assert.isAtMost(limited.error.data.retryAfterMs, 60_000)
      yield* TestClock.adjust(limited.error.data.retryAfterMs)
      assert.strictEqual((yield* callEcho(client, "again")).result.content[0].text, "again")
    }).pipe(Effect.provide(live({ limit: 3, window: "1 minute" }))))

  it.scoped("keys are independent: each legacy session has its own budget", () =>
    Effect.gen(function*() {
      const a = yield* makeClient()
      const b = yield* makeClient()
      yield* a.initialize()
      yield* b.initialize()
      yield* callEcho(a)
      assert.isTrue(isRateLimited(yield* callEcho(a)))
      assert.strictEqual((yield* callEcho(b)).result.content[0].text, "hi")
    }).pipe(Effect.provide(live({ limit: 1, window: "1 minute" }))))

  it.scoped("the principal's subject is the key when there is one, across sessions", () =>
    Effect.gen(function*() {
      const server = yield* McpServer.McpServer
      const a = yield* makeClient()
      const b = yield* makeClient()
      yield* a.initialize()
      yield* b.initialize()
      const principal = { subject: "alice", scopes: [], claims: {} }
      const call = (client: typeof a, id: number) =>
        Effect.map(
          server.handleLegacy(client.session, {
            _tag: "Request",
            id,
            method: "tools/call",
            params: { name: "echo", arguments: { text: "x" } }
          }, client.outbound, { principal }),
          (text) => JSON.parse(text) as Wire
        )
      assert.isDefined((yield* call(a, 100)).result)
      assert.isTrue(isRateLimited(yield* call(b, 101)))
      // Without the principal, b's session still has its own budget.
      assert.isDefined((yield* callEcho(b)).result)
    }).pipe(Effect.provide(live({ limit: 1, window: "1 minute" }))))

  it.scoped("methods it does not limit pass however often", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      for (let i = 0; i < 10; i++) {
        assert.isDefined((yield* client.request("tools/list")).result)
        assert.isDefined((yield* client.request("ping")).result)
      }
      yield* callEcho(client)
      assert.isTrue(isRateLimited(yield* callEcho(client)))
    }).pipe(Effect.provide(live({ limit: 1, window: "1 minute" }))))

  it.scoped("methods and key are configurable", () =>
    Effect.gen(function*() {
      const a = yield* makeClient()
      const b = yield* makeClient()
      yield* a.initialize()
      yield* b.initialize()
      // One budget for everybody, on tools/list only.
      yield* a.request("tools/list")
      assert.isTrue(isRateLimited(yield* b.request("tools/list")))
      assert.isDefined((yield* callEcho(a)).result)
      assert.isDefined((yield* callEcho(a)).result)
    }).pipe(Effect.provide(live({ limit: 1, window: "1 minute", methods: ["tools/list"], key: () => "everyone" }))))

  it.scoped("token-bucket: one token comes back every window / limit", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      for (let i = 0; i < 4; i++) yield* callEcho(client)
      const limited = yield* callEcho(client)
      assert.isTrue(isRateLimited(limited))
      assert.strictEqual(limited.error.data.retryAfterMs, 15_000)
      yield* TestClock.adjust("15 seconds")
      assert.isDefined((yield* callEcho(client)).result)
      assert.isTrue(isRateLimited(yield* callEcho(client)))
    }).pipe(Effect.provide(live({ limit: 4, window: "1 minute", algorithm: "token-bucket" }))))

  it.effect("a limit below 1 is a defect when the layer is built", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(live({ limit: 0, window: "1 minute" })).pipe(Effect.scoped))
      assert.isTrue(exit._tag === "Failure")
    }))
})

describe("McpError.RateLimitExceeded", () => {
  it("is -32000 'Rate limit exceeded' with retryAfterMs in data, in every revision", () => {
    const error = new McpError.RateLimitExceeded({ retryAfterMs: 1500 })
    for (const version of ["2025-06-18", "2026-07-28"] as const) {
      assert.deepStrictEqual(McpError.toErrorObject(error, version), {
        code: -32000,
        message: "Rate limit exceeded",
        data: { retryAfterMs: 1500 }
      })
    }
  })
})

// RateLimit.layer decides in one synchronous step over counters of its own. They must answer
// what RateLimiter.consume over @effect/experimental's memory store answers, call for call.
describe("RateLimit.layer's memory store", () => {
  const outbound: Parameters<typeof McpContext.make>[0]["outbound"] = {
    notify: () => Effect.void,
    request: () => Effect.succeed({}),
    closeStream: Effect.void
  }
  const contextFor = (session: string, method: string) =>
    McpContext.make({
      requestId: 1,
      method,
      params: undefined,
      outbound,
      meta: { ...RequestMeta.bare("2025-11-25"), sessionId: session }
    })

  /** `"ok"`, or the retryAfterMs of the refusal. */
  const answer = (effect: Effect.Effect<unknown, unknown>) =>
    Effect.map(Effect.either(effect), (either) => {
      if (either._tag === "Right") return "ok"
      const error = either.left
      if (error instanceof McpError.RateLimitExceeded) return error.retryAfterMs
      if (error instanceof RateLimiter.RateLimitExceeded) return Math.ceil(Duration.toMillis(error.retryAfter))
      return `unexpected ${String(error)}`
    })

  /** A deterministic pseudo-random sequence (LCG) in [0, 1). */
  const random = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648

  const configs: ReadonlyArray<RateLimit.Options> = [
    { limit: 3, window: "1 minute" },
    { limit: 7, window: "1 second" }, // window / limit is not a whole number of milliseconds
    { limit: 1, window: "10 millis" },
    { limit: 5, window: Duration.nanos(1_234_567n) } // a window in nanoseconds
  ]

  for (const algorithm of ["fixed-window", "token-bucket"] as const) {
    for (const config of configs) {
      const options: RateLimit.Options = { ...config, algorithm }
      it.effect(`${algorithm}, ${config.limit} per ${Duration.format(Duration.decode(config.window))}`, () =>
        Effect.gen(function*() {
          // The reference: RateLimiter over @effect/experimental's memory store.
          const reference = yield* Effect.provide(RateLimiter.make, RateLimiter.layerStoreMemory)
          // RateLimiter over our store, the middleware over a RateLimiter (the path of other
          // stores), and the middleware over our counters (RateLimit.layer's path).
          const overOurStore = yield* Effect.provide(RateLimiter.make, internal.layerStoreMemory)
          const generic = internal.middleware(yield* Effect.provide(RateLimiter.make, RateLimiter.layerStoreMemory), options)
          const fast = internal.middlewareMemory(internal.makeMemoryCounters(), options)
          const next = random(config.limit * 7919 + (algorithm === "fixed-window" ? 1 : 2))
          const windowMillis = Duration.toMillis(Duration.decode(config.window))
          let refusals = 0
          let lastRetry = 0
          for (let step = 0; step < 300; step++) {
            const r = next()
            // Mostly bursts; sometimes exactly the last retryAfterMs (the edge of a window), a
            // part of the window or more than a window, in whole milliseconds or not.
            const advance = r < 0.5
              ? 0
              : r < 0.65
              ? lastRetry
              : (next() < 0.5 ? Math.round : (x: number) => x)(
                r < 0.9 ? next() * windowMillis / config.limit * 2 : next() * windowMillis * 1.5
              )
            if (advance > 0) yield* TestClock.adjust(Duration.millis(advance))
            const session = ["a", "b", "c"][Math.floor(next() * 3)]!
            // Unlimited methods pass and take nothing.
            const unlimited = yield* answer(Effect.provideService(fast(Effect.void), McpContext.McpContext, contextFor(session, "tools/list")))
            assert.strictEqual(unlimited, "ok")
            const consume = { algorithm, onExceeded: "fail", window: config.window, limit: config.limit, key: `session:${session}` } as const
            const expected = yield* Effect.either(reference.consume(consume))
            const ours = yield* Effect.either(overOurStore.consume(consume))
            assert.deepStrictEqual(ours, expected, `step ${step}`)
            const ctx = contextFor(session, "tools/call")
            const want = yield* answer(expected)
            assert.strictEqual(yield* answer(Effect.provideService(generic(Effect.void), McpContext.McpContext, ctx)), want, `step ${step}`)
            assert.strictEqual(yield* answer(Effect.provideService(fast(Effect.void), McpContext.McpContext, ctx)), want, `step ${step}`)
            if (typeof want === "number") {
              refusals++
              lastRetry = want
            }
          }
          // The sequence does exercise both answers.
          assert.isAbove(refusals, 0)
          assert.isBelow(refusals, 300)
        }))
    }
  }

  it.scoped("RateLimit.layer shares its counters with every RateLimit.layer of the application", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      // Each request takes a token in each layer, from the one count of key "k".
      assert.isDefined((yield* client.request("tools/list")).result)
      assert.isTrue(isRateLimited(yield* client.request("tools/list")))
    }).pipe(Effect.provide(serverLayer(Layer.mergeAll(
      McpServer.tools(Echo),
      RateLimit.layer({ limit: 2, window: "1 minute", methods: ["tools/list"], key: () => "k" }),
      RateLimit.layer({ limit: 2, window: "1 minute", methods: ["tools/list"], key: () => "k" })
    )))))
})

describe("RateLimit memory counters", () => {
  it("drop expired windows and refilled buckets as keys come and go (sessions), and keep live ones", () => {
    const counters = internal.makeMemoryCounters()
    // 2,000 one-off callers in the first minute: each window is live.
    for (let i = 0; i < 2_000; i++) counters.fixedWindow(`session:${i}`, 1, 6_000, 10, 0)
    for (let i = 0; i < 2_000; i++) counters.tokenBucket(`bucket:${i}`, 1, 10, 6_000, false, 0)
    assert.isAtLeast(counters.size(), 4_000)
    // A live window still counts: 9 more calls reach the limit of 10, the 11th is refused.
    for (let i = 0; i < 9; i++) counters.fixedWindow("session:0", 1, 6_000, 10, 1_000)
    assert.isAbove(counters.fixedWindow("session:0", 1, 6_000, 10, 1_000)[0], 10)
    // Ten minutes later new callers arrive: the old windows have expired and the old buckets
    // refilled, so they are dropped; the new ones stay.
    for (let i = 0; i < 2_000; i++) counters.fixedWindow(`later:${i}`, 1, 6_000, 10, 600_000)
    assert.isAtMost(counters.size(), 2_100)
    // A dropped key starts afresh.
    assert.deepStrictEqual(counters.fixedWindow("session:0", 1, 6_000, 10, 600_000), [1, 6_000])
  })
})

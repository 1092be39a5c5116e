// RateLimit.layer: the middleware over @effect/experimental's RateLimiter, driven in process
// with TestClock windows.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema, TestClock } from "effect"
import { McpError, McpServer, RateLimit, Tool } from "turbomcp-server"
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

// RateLimit over HTTP (429 + Retry-After for 2026-07-28 requests, 200 with the JSON-RPC error
// for legacy sessions) and with its counters in the real Redis at 127.0.0.1:6379.
import { assert, describe, it } from "@effect/vitest"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { Effect, Layer, Logger, Schema } from "effect"
import { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { Http, McpServer, RateLimit, Tool } from "turbomcp-server"
import * as RateLimitRedis from "../../src/ratelimit/RateLimitRedis.js"
import { makeClient, serverLayer, type Wire } from "../utils/harness.js"
import { postHeaders } from "../utils/http.js"
import { redisAnswers, requireService } from "../utils/services.js"

const Echo = Tool.make("echo", { description: "Echo", parameters: { text: Schema.String } }).handle(({ text }) =>
  Effect.succeed(text)
)

const MODERN = "2026-07-28"
const modernCall = (id: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: {
      name: "echo",
      arguments: { text: "modern" },
      _meta: {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { name: "raw-modern", version: "1.0.0" }
      }
    }
  })
const modernHeaders = postHeaders({ "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "echo" })

describe("RateLimit over Streamable HTTP", () => {
  it.live("a modern request over the limit answers 429 with Retry-After; a legacy one 200 with the error", () =>
    Effect.gen(function*() {
      const { url } = yield* Http.Endpoint
      const post = (id: number) =>
        Effect.promise(async () => {
          const response = await fetch(url, { method: "POST", headers: modernHeaders, body: modernCall(id) })
          return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json() as Wire }
        })
      for (let id = 1; id <= 2; id++) {
        const ok = yield* post(id)
        assert.strictEqual(ok.status, 200)
        assert.strictEqual(ok.body.result.content[0].text, "modern")
      }
      const limited = yield* post(3)
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.body.error.code, -32000)
      assert.strictEqual(limited.body.error.message, "Rate limit exceeded")
      assert.isAbove(limited.body.error.data.retryAfterMs, 0)
      assert.strictEqual(limited.retryAfter, String(Math.ceil(limited.body.error.data.retryAfterMs / 1000)))

      // A legacy session has its own budget (its session id is the key), and errors in the body.
      const client = new Client({ name: "legacy", version: "1.0.0" })
      yield* Effect.promise(() => client.connect(new StreamableHTTPClientTransport(new URL(url))))
      for (let i = 0; i < 2; i++) {
        const result = yield* Effect.promise(() => client.callTool({ name: "echo", arguments: { text: "legacy" } }))
        assert.deepStrictEqual(result.content, [{ type: "text", text: "legacy" }])
      }
      const error = yield* Effect.flip(Effect.tryPromise(() => client.callTool({ name: "echo", arguments: { text: "x" } })))
      assert.match(String(error.cause), /Rate limit exceeded/)
      // Methods it does not limit go on.
      yield* Effect.promise(() => client.listTools())
      yield* Effect.promise(() => client.close())
    }).pipe(
      Effect.provide(Http.layerEndpoint({ port: 0 }).pipe(
        Layer.provide(McpServer.tools(Echo)),
        Layer.provide(RateLimit.layer({ limit: 2, window: "1 minute" })),
        Layer.provide(McpServer.layer({ name: "limited", version: "1.0.0" }))
      ))
    ))
})

const REDIS = { host: "127.0.0.1", port: 6379 }
const redisUp = requireService(
  "Redis at 127.0.0.1:6379",
  await redisAnswers(REDIS.host, REDIS.port),
  "start it with `redis-server --daemonize yes` (Debian package redis-server)"
)

describe.skipIf(!redisUp)("RateLimitRedis", () => {
  // A key prefix per run; the keys are deleted afterwards.
  const prefix = `turbomcp-test:${randomUUID()}:`

  const cleanUp = Effect.promise(async () => {
    const redis = new Redis(REDIS)
    try {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
    } finally {
      await redis.quit()
    }
  })

  // One server "node"; every node built from this shares the Redis counters.
  const node = (options: RateLimit.Options) =>
    serverLayer(Layer.mergeAll(McpServer.tools(Echo), RateLimitRedis.layer(options, { ...REDIS, prefix })))

  const callOn = (options: RateLimit.Options, times: number) =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const answers: Array<Wire> = []
      for (let i = 0; i < times; i++) answers.push(yield* client.request("tools/call", { name: "echo", arguments: { text: "r" } }))
      return answers
    }).pipe(Effect.scoped, Effect.provide(node(options)))

  it.live("nodes share the budget of a key; it comes back after the window", () =>
    Effect.gen(function*() {
      const options: RateLimit.Options = { limit: 2, window: "1 second", key: () => "tenant-1" }
      const first = yield* callOn(options, 2)
      assert.isTrue(first.every((a) => a.result !== undefined))
      const [limited] = yield* callOn(options, 1)
      assert.strictEqual(limited!.error.code, -32000)
      const wait = limited!.error.data.retryAfterMs as number
      assert.isAbove(wait, 0)
      assert.isAtMost(wait, 1_000)
      // Another key is independent.
      const [other] = yield* callOn({ ...options, key: () => "tenant-2" }, 1)
      assert.isDefined(other!.result)
      yield* Effect.sleep(wait + 100)
      const [again] = yield* callOn(options, 1)
      assert.isDefined(again!.result)
    }).pipe(Effect.ensuring(cleanUp)))

  it.live("token-bucket in Redis", () =>
    Effect.gen(function*() {
      const options: RateLimit.Options = { limit: 2, window: "1 second", algorithm: "token-bucket", key: () => "bucket" }
      const answers = yield* callOn(options, 3)
      assert.isDefined(answers[0]!.result)
      assert.isDefined(answers[1]!.result)
      assert.strictEqual(answers[2]!.error.code, -32000)
      yield* Effect.sleep(answers[2]!.error.data.retryAfterMs + 100)
      const [again] = yield* callOn(options, 1)
      assert.isDefined(again!.result)
    }).pipe(Effect.ensuring(cleanUp)))
})

const warnings: Array<{ readonly level: string; readonly message: string }> = []
const captureWarnings = Logger.add(Logger.make(({ logLevel, message }) => {
  if (logLevel._tag === "Warning") {
    warnings.push({ level: logLevel.label, message: Array.isArray(message) ? message.join(" ") : String(message) })
  }
}))

describe("RateLimit store failures", () => {
  it.live("a store that fails lets the request through (fail open) and logs a warning", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const answer = yield* client.request("tools/call", { name: "echo", arguments: { text: "open" } })
      assert.strictEqual(answer.result.content[0].text, "open")
      const warning = warnings.find((w) => w.message.includes("Rate limit not applied: the store failed"))
      assert.isDefined(warning, `no fail-open warning among ${JSON.stringify(warnings.map((w) => w.message))}`)
      assert.strictEqual(warning!.level, "WARN")
    }).pipe(
      Effect.scoped,
      Effect.provide(captureWarnings),
      Effect.provide(serverLayer(Layer.mergeAll(
        McpServer.tools(Echo),
        // Nothing listens on port 1; no retries and no offline queue, so every command fails at once.
        RateLimitRedis.layer({ limit: 1, window: "1 minute" }, {
          host: "127.0.0.1",
          port: 1,
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null
        })
      )))
    ))
})

import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Queue, Schema } from "effect"
import { McpServer, Tool } from "turbomcp-server"
import { TestClient } from "turbomcp-server/testing"

const Greet = Tool.make("greet", {
  description: "Greets after asking for a name",
  parameters: {}
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.log.info("asking")
    const answer = yield* ctx.elicit("Name?", Schema.Struct({ name: Schema.String }), { key: "who" })
    return answer.action === "accept" ? `Hello, ${answer.content.name}!` : "Hello, stranger!"
  })
)

// Catches every typed failure of its elicitations: the round must still end with input_required.
const Careful = Tool.make("careful", {
  description: "Asks two questions at once and falls back on any failure",
  parameters: {}
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const ask = (key: string) =>
      ctx.elicit(key, Schema.Struct({ name: Schema.String }), { key }).pipe(
        Effect.map((answer) => answer.action === "accept" ? answer.content.name : "declined"),
        Effect.catchAll(() => Effect.succeed("fallback"))
      )
    const [first, second] = yield* Effect.all([ask("first"), ask("second")], { concurrency: "unbounded" })
    return `${first} & ${second}`
  })
)

const ServerLive = McpServer.tools(Greet, Careful).pipe(
  Layer.provideMerge(McpServer.layer({ name: "test", version: "1.0.0" }))
)

const onElicit = () => Effect.succeed({ action: "accept", content: { name: "Ada" } })

describe("TestClient", () => {
  it.scoped("drives the same handler through a legacy session and a modern request", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ onElicit })
      yield* client.initialize
      const legacy = yield* client.callTool("greet")
      assert.deepStrictEqual(legacy.content, [{ type: "text", text: "Hello, Ada!" }])
      const log = yield* Queue.take(client.notifications)
      assert.strictEqual(log.method, "notifications/message")
      const modern = yield* client.modern("tools/call", { name: "greet", arguments: {} })
      assert.deepStrictEqual(modern.content, [{ type: "text", text: "Hello, Ada!" }])
      assert.strictEqual(modern.resultType, "complete")
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("rejects requests before initialize", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make()
      const error = yield* Effect.flip(client.request("tools/list"))
      assert.strictEqual(error.code, -32600)
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("a modern request without the elicitation capability gets -32021", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ capabilities: {} })
      const error = yield* Effect.flip(client.modern("tools/call", { name: "greet", arguments: {} }))
      assert.strictEqual(error.code, -32021)
      assert.deepStrictEqual(error.data, { requiredCapabilities: { elicitation: {} } })
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("an MRTR round ends with every pending input request, even when the handler catches failures", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ onElicit })
      const round = yield* client.modernOnce("tools/call", { name: "careful", arguments: {} })
      assert.strictEqual(round.resultType, "input_required")
      assert.deepStrictEqual(Object.keys(round.inputRequests).sort(), ["first", "second"])
      assert.isString(round.requestState)
      const done = yield* client.modern("tools/call", { name: "careful", arguments: {} })
      assert.deepStrictEqual(done.content, [{ type: "text", text: "Ada & Ada" }])
    }).pipe(Effect.provide(ServerLive)))
})

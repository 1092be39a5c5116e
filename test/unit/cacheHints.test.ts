import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { McpServer, Resource } from "turbomcp-server"
import { TestClient } from "turbomcp-server/testing"

const Static = Resource.make({ uri: "test://static", name: "static", mimeType: "text/plain", cache: { ttlMs: 5_000, scope: "public" } })
  .handle(Effect.succeed("cacheable"))
const Plain = Resource.make({ uri: "test://plain", name: "plain" }).handle(Effect.succeed("default hints"))

const ServerLive = McpServer.resources(Static, Plain).pipe(
  Layer.provideMerge(McpServer.layer({ name: "test", version: "1.0.0", cacheHints: { lists: { ttlMs: 1_000, scope: "private" } } }))
)

describe("cache hints (2026-07-28)", () => {
  it.scoped("come from the server's options, and a resource's own hint wins for its reads", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make()
      const list = yield* client.modern("resources/list")
      assert.strictEqual(list.ttlMs, 1_000)
      assert.strictEqual(list.cacheScope, "private")
      const own = yield* client.modern("resources/read", { uri: "test://static" })
      assert.strictEqual(own.ttlMs, 5_000)
      assert.strictEqual(own.cacheScope, "public")
      const defaults = yield* client.modern("resources/read", { uri: "test://plain" })
      assert.strictEqual(defaults.ttlMs, 0)
      assert.strictEqual(defaults.cacheScope, "private")
    }).pipe(Effect.provide(ServerLive)))

  it.scoped("legacy sessions see no hints", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make()
      yield* client.initialize
      const read = yield* client.request("resources/read", { uri: "test://static" })
      assert.strictEqual(read.ttlMs, undefined)
    }).pipe(Effect.provide(ServerLive)))
})

import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { EventStore, Http } from "turbomcp-server"
import { DemoLive, ServerLive } from "../../examples/demo/server.js"

// The endpoint mounted in a user's own HttpRouter and served by NodeHttpServer.
const RouterLive = Layer.unwrapScoped(
  Effect.map(Http.toHttpApp(), (mcp) =>
    HttpRouter.empty.pipe(
      HttpRouter.all("/mcp", mcp),
      HttpRouter.get("/hello", Effect.succeed(HttpServerResponse.text("hello"))),
      HttpServer.serve()
    ))
).pipe(
  Layer.provide(DemoLive),
  Layer.provide(ServerLive),
  Layer.provide(EventStore.layerMemory()),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)


const urlOf = Effect.map(HttpServer.HttpServer, (server) => {
  const address = server.address as HttpServer.TcpAddress
  return new URL(`http://127.0.0.1:${address.port}/mcp`)
})

describe("Http.toHttpApp", () => {
  it.live("serves MCP through an HttpRouter next to the user's routes", () =>
      Effect.gen(function*() {
        const url = yield* urlOf
        const hello = yield* Effect.promise(() => fetch(new URL("/hello", url)).then((r) => r.text()))
        assert.strictEqual(hello, "hello")
        const client = new Client({ name: "test", version: "1.0.0" })
        yield* Effect.promise(() => client.connect(new StreamableHTTPClientTransport(url)))
        const echo = yield* Effect.promise(() => client.callTool({ name: "echo", arguments: { text: "router" } }))
        assert.deepStrictEqual(echo.content, [{ type: "text", text: "router" }])
        const progress: Array<number> = []
        const slept = yield* Effect.promise(() =>
          client.callTool({ name: "sleep", arguments: { ms: 250 } }, undefined, {
            onprogress: (p) => void progress.push(p.progress)
          })
        )
        assert.deepStrictEqual(slept.content, [{ type: "text", text: "slept 250 ms" }])
        assert.deepStrictEqual(progress, [1, 2, 3])
        yield* Effect.promise(() => client.close())
      }).pipe(Effect.provide(RouterLive)))

  it.live("rejects bad input with the same statuses as the node listener", () =>
      Effect.gen(function*() {
        const url = yield* urlOf
        const response = yield* Effect.promise(() =>
          fetch(url, {
            method: "POST",
            headers: { "content-type": "text/plain", accept: "application/json, text/event-stream" },
            body: "{}"
          })
        )
        assert.strictEqual(response.status, 415)
        const body = (yield* Effect.promise(() => response.json())) as { error: { code: number } }
        assert.strictEqual(body.error.code, -32600)
      }).pipe(Effect.provide(RouterLive)))
})

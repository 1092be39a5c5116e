import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Option, Redacted, Ref, Schema, Stream } from "effect"
import { Health, Http, McpServer, Metrics, SharedServer, Tool } from "turbomcp-server"
import { postHeaders, rawRequest } from "../utils/http.js"

const Slow = Tool.make("slow", {
  parameters: { ms: Schema.Int }
}).handle(({ ms }) => Effect.as(Effect.sleep(ms), `done after ${ms} ms`))

const Main = Http.layerEndpoint({ port: 0 }).pipe(
  Layer.provide(Metrics.layerMcp),
  Layer.provide(McpServer.tools(Slow)),
  Layer.provideMerge(McpServer.layer({
    name: "shared",
    version: "2.0.0",
    requestStateKey: Redacted.make("hmac-secret")
  })),
  Layer.provideMerge(Health.check("db", Effect.void)),
  Layer.provideMerge(Health.layer()),
  Layer.provide(Metrics.layerPrometheus({ namespace: "shared_test" }))
)

const appConfig = {
  redisUrl: "redis://app:hunter2@127.0.0.1:6379",
  apiKey: "k-123",
  jwtSecret: Redacted.make("s3cret"),
  maxTokens: 100
}

/** Waits until the server reports `tag`. */
const awaitState = (server: SharedServer.SharedServer<unknown>, tag: SharedServer.State["_tag"]) =>
  server.changes.pipe(Stream.filter((s) => s._tag === tag), Stream.take(1), Stream.runDrain)

/** A stateless (sessions on, single shot) slow tool call over HTTP. */
const callSlow = (url: string, ms: number) =>
  Effect.promise(() =>
    rawRequest(url, {
      headers: postHeaders({ "mcp-protocol-version": "2025-03-26" }),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "t", version: "1" } }
      })
    }).then((init) =>
      rawRequest(url, {
        headers: postHeaders({ "mcp-session-id": init.headers["mcp-session-id"] as string, "mcp-protocol-version": "2025-03-26" }),
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { ms } } })
      })
    )
  )

describe("SharedServer", () => {
  it.live("readers in other fibers see health, metrics, config and status while it runs, and None after", () =>
    Effect.gen(function*() {
      const server = yield* SharedServer.make(Main, { config: appConfig })
      assert.strictEqual((yield* server.state)._tag, "Idle")
      assert.isTrue(Option.isNone(yield* server.health))
      assert.isTrue(Option.isNone(yield* server.config))
      assert.deepStrictEqual(yield* server.status, { state: "Idle" })

      // Every state the server goes through, as a watcher sees them.
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      const watching = yield* Deferred.make<void>()
      const watcher = yield* server.changes.pipe(
        Stream.runForEach((s) => Ref.update(seen, (all) => [...all, s._tag]).pipe(Effect.zipRight(Deferred.succeed(watching, undefined)))),
        Effect.fork
      )
      yield* Deferred.await(watching)
      const running = yield* Effect.fork(server.run)
      yield* awaitState(server, "Running")

      // Four readers, concurrently, while the server serves a request.
      const reads = yield* Ref.make(0)
      const reader = Effect.gen(function*() {
        const [health, metrics, config, status] = yield* Effect.all(
          [server.health, server.metrics, server.config, server.status],
          { concurrency: "unbounded" }
        )
        if (Option.isSome(health)) assert.strictEqual(Health.toJson(health.value).checks.db.status, "healthy")
        if (Option.isSome(metrics)) assert.isArray(metrics.value)
        if (Option.isSome(config)) assert.isObject(config.value)
        assert.include(["Running", "Draining", "Stopped"], status.state)
        yield* Ref.update(reads, (n) => n + 1)
      }).pipe(Effect.repeatN(20))
      const endpoint = yield* Effect.flatMap(server.status, (s) => Effect.succeed(s.url!))
      const [answer] = yield* Effect.all([callSlow(endpoint, 100), reader, reader, reader, reader], {
        concurrency: "unbounded"
      })
      assert.strictEqual(answer.json.result.content[0].text, "done after 100 ms")
      assert.strictEqual(yield* Ref.get(reads), 4 * 21)

      const health = Option.getOrThrow(yield* server.health)
      assert.strictEqual(health.status._tag, "Healthy")
      assert.isFalse(health.draining)

      const metrics = Option.getOrThrow(yield* server.metrics)
      const calls = metrics.find((m) =>
        m.name === "shared_test_server_requests_total" && m.labels.tool === "slow" && m.labels.status === "success"
      )
      assert.strictEqual(calls?.value, 1)

      const config = Option.getOrThrow(yield* server.config) as Record<string, any>
      assert.strictEqual(config.server.name, "shared")
      assert.strictEqual(config.server.requestStateKey, "<redacted>")
      assert.strictEqual(config.endpoint.url, endpoint)
      assert.deepStrictEqual(config.app, {
        redisUrl: "redis://app:redacted@127.0.0.1:6379",
        apiKey: "<redacted>",
        jwtSecret: "<redacted>",
        maxTokens: 100
      })
      assert.notInclude(JSON.stringify(config), "hunter2")
      assert.notInclude(JSON.stringify(config), "s3cret")
      assert.notInclude(JSON.stringify(config), "hmac-secret")

      const status = yield* server.status
      assert.strictEqual(status.state, "Running")
      assert.strictEqual(status.name, "shared")
      assert.strictEqual(status.version, "2.0.0")
      assert.isAtLeast(status.uptimeSeconds!, 0)

      // A second run is refused, with a typed error, and does not disturb the first.
      const second = yield* Effect.flip(server.run)
      assert.instanceOf(second, SharedServer.SharedServerError)
      assert.strictEqual(second.reason, "AlreadyStarted")
      assert.strictEqual((yield* server.state)._tag, "Running")

      // Shutdown with a request in flight: readers see Draining and readiness 503, then None.
      const inFlight = yield* Effect.fork(callSlow(endpoint, 600))
      yield* Effect.sleep("200 millis")
      const drainingSeen = yield* Deferred.make<Health.HealthReport>()
      const subscribed = yield* Deferred.make<void>()
      const drainingReader = yield* server.changes.pipe(
        Stream.tap(() => Deferred.succeed(subscribed, undefined)),
        Stream.filter((s) => s._tag === "Draining"),
        Stream.take(1),
        Stream.runForEach(() =>
          Effect.flatMap(server.health, (report) =>
            Option.isSome(report) ? Deferred.succeed(drainingSeen, report.value) : Effect.void)
        ),
        Effect.fork
      )
      yield* Deferred.await(subscribed)
      yield* server.shutdown
      const late = yield* Fiber.join(inFlight)
      assert.strictEqual(late.json.result.content[0].text, "done after 600 ms")
      yield* Fiber.join(drainingReader)
      const drainingReport = yield* Deferred.await(drainingSeen)
      assert.isTrue(drainingReport.draining)
      assert.strictEqual(drainingReport.status._tag, "Unhealthy")

      assert.isTrue(Exit.isSuccess(yield* Fiber.await(running)))
      const stopped = yield* server.state
      assert.strictEqual(stopped._tag, "Stopped")
      assert.isTrue(Option.isNone(yield* server.health))
      assert.isTrue(Option.isNone(yield* server.metrics))
      assert.isTrue(Option.isNone(yield* server.config))
      assert.deepStrictEqual(yield* server.status, { state: "Stopped" })
      assert.strictEqual((yield* Effect.flip(server.run)).reason, "AlreadyStarted")

      yield* Fiber.interrupt(watcher)
      assert.deepStrictEqual(yield* Ref.get(seen), ["Idle", "Starting", "Running", "Draining", "Stopped"])
    }))

  it.live("shut down before it ran, a server refuses to run", () =>
    Effect.gen(function*() {
      const server = yield* SharedServer.make(Main)
      yield* server.shutdown
      assert.strictEqual((yield* server.state)._tag, "Stopped")
      const error = yield* Effect.flip(server.run)
      assert.strictEqual(error.reason, "Stopped")
    }))

  it.live("interrupting run stops the server like shutdown does", () =>
    Effect.gen(function*() {
      const server = yield* SharedServer.make(Main)
      const running = yield* Effect.fork(server.run)
      yield* awaitState(server, "Running")
      yield* Fiber.interrupt(running)
      const stopped = yield* server.state
      assert.strictEqual(stopped._tag, "Stopped")
      assert.isTrue(stopped._tag === "Stopped" && Exit.isInterrupted(stopped.exit))
      assert.isTrue(Exit.isInterrupted(yield* server.awaitStopped))
    }))

  it.live("a layer that fails to build stops the server with the failure", () =>
    Effect.gen(function*() {
      const server = yield* SharedServer.make(Layer.fail("no database"))
      const error = yield* Effect.flip(server.run)
      assert.strictEqual(error, "no database")
      const stopped = yield* server.state
      assert.isTrue(stopped._tag === "Stopped" && Exit.isFailure(stopped.exit))
    }))
})

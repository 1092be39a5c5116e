import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Schema, SubscriptionRef, TestClock } from "effect"
import * as Os from "node:os"
import * as Health from "../../src/observability/Health.js"

const statusOf = (report: Health.HealthReport, name: string) => {
  const result = report.checks.find((c) => c.name === name)
  assert.isDefined(result, `check ${name} is missing`)
  return result!
}

const fakeHttp = (status: number) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.succeed(HttpClientResponse.fromWeb(request, new Response("ok", { status })))
    )
  )

describe("Health", () => {
  it.effect("with no checks, live and ready are healthy", () =>
    Effect.gen(function*() {
      const live = yield* Health.live
      const ready = yield* Health.ready
      assert.strictEqual(live.status._tag, "Healthy")
      assert.strictEqual(ready.status._tag, "Healthy")
      assert.deepStrictEqual(ready.checks, [])
    }).pipe(Effect.provide(Health.layer())))

  it.effect("a check past its timeout is unhealthy (TestClock)", () =>
    Effect.gen(function*() {
      yield* Health.register("stuck", Effect.never, { timeout: "2 seconds" })
      yield* Health.register("slow", Effect.sleep("500 millis").pipe(Effect.as(Health.healthy)), { timeout: "2 seconds" })
      const fiber = yield* Effect.fork(Health.ready)
      yield* TestClock.adjust("1 second")
      assert.isNull(fiber.unsafePoll(), "the report waits for the stuck check")
      yield* TestClock.adjust("1 second")
      const report = yield* Fiber.join(fiber)
      const stuck = statusOf(report, "stuck")
      assert.deepStrictEqual(stuck.status, Health.unhealthy("timed out after 2s"))
      assert.strictEqual(stuck.latencyMs, 2000)
      const slow = statusOf(report, "slow")
      assert.strictEqual(slow.status._tag, "Healthy")
      assert.strictEqual(slow.latencyMs, 500)
      assert.deepStrictEqual(report.status, Health.unhealthy("stuck: timed out after 2s"))
    }).pipe(Effect.provide(Health.layer())))

  it.effect("the layer's default timeout applies to checks without one", () =>
    Effect.gen(function*() {
      yield* Health.register("stuck", Effect.never)
      const fiber = yield* Effect.fork(Health.ready)
      yield* TestClock.adjust("250 millis")
      const report = yield* Fiber.join(fiber)
      assert.strictEqual(statusOf(report, "stuck").status._tag, "Unhealthy")
    }).pipe(Effect.provide(Health.layer({ defaultTimeout: "250 millis" }))))

  it.effect("aggregates: critical unhealthy fails, non-critical unhealthy and degraded degrade", () =>
    Effect.gen(function*() {
      yield* Health.register("db", Effect.void)
      yield* Health.register("cache", Effect.fail(new Error("connection refused")), { critical: false })
      yield* Health.register("queue", Effect.succeed(Health.degraded("backlog 900")))
      let report = yield* Health.ready
      assert.deepStrictEqual(report.status, Health.degraded("cache: connection refused", "queue: backlog 900"))
      assert.deepStrictEqual(statusOf(report, "cache").status, Health.unhealthy("connection refused"))
      assert.strictEqual(statusOf(report, "cache").critical, false)
      assert.deepStrictEqual(report.checks.map((c) => c.name), ["db", "cache", "queue"])

      yield* Health.register("db", Effect.die("driver crashed"))
      report = yield* Health.ready
      assert.deepStrictEqual(report.status, Health.unhealthy("db: defect: driver crashed"))
      assert.deepStrictEqual(report.checks.map((c) => c.name), ["db", "cache", "queue"], "re-registering keeps order")

      yield* Health.unregister("db")
      report = yield* Health.ready
      assert.strictEqual(report.status._tag, "Degraded")
    }).pipe(Effect.provide(Health.layer())))

  it.effect("draining fails readiness but not liveness", () =>
    Effect.gen(function*() {
      const health = yield* Health.Health
      yield* Health.setDraining(true)
      assert.isTrue(yield* SubscriptionRef.get(health.draining))
      const ready = yield* Health.ready
      assert.deepStrictEqual(ready.status, Health.unhealthy("draining"))
      assert.isTrue(ready.draining)
      const live = yield* Health.live
      assert.strictEqual(live.status._tag, "Healthy")
      yield* Health.setDraining(false)
      assert.strictEqual((yield* Health.ready).status._tag, "Healthy")
    }).pipe(Effect.provide(Health.layer())))

  it.effect("liveness runs only liveness checks", () =>
    Effect.gen(function*() {
      yield* Health.register("db", Effect.fail("down"))
      yield* Health.register("loop", Effect.succeed(Health.degraded("slow loop")), { liveness: true })
      const live = yield* Health.live
      assert.deepStrictEqual(live.checks.map((c) => c.name), ["loop"])
      assert.deepStrictEqual(live.status, Health.degraded("loop: slow loop"))
      assert.strictEqual((yield* Health.ready).status._tag, "Unhealthy")
    }).pipe(Effect.provide(Health.layer())))

  it.effect("check layers register for their lifetime, with their own services", () => {
    class Upstream extends Context.Tag("test/Upstream")<Upstream, { readonly ok: boolean }>() {}
    const Checks = Layer.mergeAll(
      Health.check("ok", Effect.void),
      Health.check("upstream", Effect.map(Upstream, (u) => (u.ok ? Health.healthy : Health.unhealthy("down"))), {
        critical: false
      })
    ).pipe(Layer.provide(Layer.succeed(Upstream, { ok: false })))
    return Effect.gen(function*() {
      const report = yield* Health.ready
      assert.deepStrictEqual(report.checks.map((c) => c.name), ["ok", "upstream"])
      assert.deepStrictEqual(report.status, Health.degraded("upstream: down"))
    }).pipe(Effect.provide(Checks.pipe(Layer.provideMerge(Health.layer()))))
  })

  it.effect("check layers unregister when released", () =>
    Effect.gen(function*() {
      const health = yield* Health.Health
      yield* Layer.build(Health.check("temp", Effect.void)).pipe(
        Effect.provideService(Health.Health, health),
        Effect.scoped
      )
      assert.deepStrictEqual((yield* Health.ready).checks, [])
    }).pipe(Effect.provide(Health.layer())))

  it.effect("toJson renders the load-balancer body", () =>
    Effect.gen(function*() {
      yield* Health.register("db", Effect.void)
      yield* Health.register("cache", Effect.succeed(Health.degraded("evicting")), { critical: false })
      const json = Health.toJson(yield* Health.ready)
      assert.deepStrictEqual(json, {
        status: "degraded",
        draining: false,
        reasons: ["cache: evicting"],
        checks: {
          db: { status: "healthy", critical: true, latencyMs: 0 },
          cache: { status: "degraded", critical: false, latencyMs: 0, reasons: ["evicting"] }
        }
      })
    }).pipe(Effect.provide(Health.layer())))

  it.effect("status values round-trip through their Schema", () =>
    Effect.gen(function*() {
      const encoded = yield* Schema.encode(Health.HealthStatus)(Health.degraded("a", "b"))
      assert.deepStrictEqual(encoded, { _tag: "Degraded", reasons: ["a", "b"] })
      const decoded = yield* Schema.decodeUnknown(Health.HealthStatus)({ _tag: "Unhealthy", reason: "x" })
      assert.deepStrictEqual(decoded, Health.unhealthy("x"))
    }))
})

describe("built-in checks", () => {
  it.effect("redis: PONG is healthy, anything else or a rejection is not", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Health.redis({ ping: () => Promise.resolve("PONG") }))._tag, "Healthy")
      assert.deepStrictEqual(
        yield* Health.redis({ ping: () => Promise.resolve("LOADING") }),
        Health.unhealthy("unexpected PING reply: LOADING")
      )
      const error = yield* Effect.flip(Health.redis({ ping: () => Promise.reject(new Error("ECONNREFUSED")) }))
      assert.strictEqual(error._tag, "HealthCheckError")
      assert.strictEqual(error.message, "redis: PING failed")
    }))

  it.effect("redis: a hung client is cut by the check timeout", () =>
    Effect.gen(function*() {
      yield* Health.register("redis", Health.redis({ ping: () => new Promise<string>(() => {}) }), { timeout: "1 second" })
      const fiber = yield* Effect.fork(Health.ready)
      yield* TestClock.adjust("1 second")
      const report = yield* Fiber.join(fiber)
      assert.deepStrictEqual(statusOf(report, "redis").status, Health.unhealthy("timed out after 1s"))
    }).pipe(Effect.provide(Health.layer())))

  it.effect("postgres: SELECT 1 through an SqlClient-like or pg-like client", () =>
    Effect.gen(function*() {
      const queries: Array<string> = []
      const sqlClient = { unsafe: (sql: string) => Effect.sync(() => queries.push(sql)) }
      const pgPool = { query: (sql: string) => Promise.resolve(queries.push(sql)) }
      assert.strictEqual((yield* Health.postgres(sqlClient))._tag, "Healthy")
      assert.strictEqual((yield* Health.postgres(pgPool))._tag, "Healthy")
      assert.deepStrictEqual(queries, ["SELECT 1", "SELECT 1"])
      const failing = { unsafe: (_: string) => Effect.fail(new Error("too many clients")) }
      const error = yield* Effect.flip(Health.postgres(failing))
      assert.strictEqual(error.message, "postgres: SELECT 1 failed")
    }))

  it.effect("httpGet: 2xx healthy, 5xx unhealthy", () =>
    Effect.gen(function*() {
      const ok = yield* Health.httpGet("http://upstream.test/health").pipe(Effect.provide(fakeHttp(200)))
      assert.strictEqual(ok._tag, "Healthy")
      const down = yield* Health.httpGet("http://upstream.test/health").pipe(Effect.provide(fakeHttp(503)))
      assert.deepStrictEqual(down, Health.unhealthy("GET http://upstream.test/health answered 503"))
      const custom = yield* Health.httpGet("http://upstream.test/health", { isHealthy: (s) => s === 418 }).pipe(
        Effect.provide(fakeHttp(418))
      )
      assert.strictEqual(custom._tag, "Healthy")
    }))

  it.effect("diskSpace: thresholds on real statfs", () =>
    Effect.gen(function*() {
      const dir = Os.tmpdir()
      assert.strictEqual((yield* Health.diskSpace(dir, { unhealthyBelowRatio: 0, degradedBelowRatio: 0 }))._tag, "Healthy")
      const degraded = yield* Health.diskSpace(dir, { unhealthyBelowRatio: 0, degradedBelowRatio: 1.01 })
      assert.strictEqual(degraded._tag, "Degraded")
      const unhealthy = yield* Health.diskSpace(dir, { unhealthyBelowBytes: Number.MAX_SAFE_INTEGER })
      assert.strictEqual(unhealthy._tag, "Unhealthy")
      assert.match((unhealthy as Health.Unhealthy).reason, /free at /)
      const missing = yield* Effect.flip(Health.diskSpace("/definitely/not/here"))
      assert.strictEqual(missing._tag, "HealthCheckError")
    }))

  it.live("eventLoopDelay: samples for the scope's lifetime and flags a blocked loop", () =>
    Effect.gen(function*() {
      const check = yield* Health.eventLoopDelay({ degradedAbove: "30 millis", unhealthyAbove: "10 seconds", resolution: "5 millis" })
      yield* Effect.sleep("50 millis")
      // block the event loop for ~120 ms
      yield* Effect.sync(() => {
        const until = Date.now() + 120
        while (Date.now() < until) { /* spin */ }
      })
      yield* Effect.sleep("30 millis")
      const status = yield* check
      assert.strictEqual(status._tag, "Degraded")
      assert.match((status as Health.Degraded).reasons[0], /event loop delay p99 \d+/)
    }).pipe(Effect.scoped))

  it.live("checkScoped registers a resourceful check as a layer", () =>
    Effect.gen(function*() {
      const report = yield* Health.live
      assert.deepStrictEqual(report.checks.map((c) => c.name), ["event-loop"])
      assert.strictEqual(report.status._tag, "Healthy")
    }).pipe(
      Effect.provide(
        Health.checkScoped("event-loop", Health.eventLoopDelay(), { liveness: true }).pipe(
          Layer.provideMerge(Health.layer())
        )
      )
    ))
})

import { assert, describe, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Exit, Fiber, Metric, Stream, TestClock } from "effect"
import * as CircuitBreaker from "../../src/observability/CircuitBreaker.js"
import * as Health from "../../src/observability/Health.js"

const boom = Effect.fail("boom" as const)
const fail = (breaker: CircuitBreaker.CircuitBreaker) => Effect.flip(breaker.run(boom))
const gaugeOf = (name: string) =>
  Metric.value(
    Metric.gauge("turbomcp_server_circuit_breaker_state", {
      description: "Circuit breaker state: 0 closed, 1 half-open, 2 open"
    }).pipe(Metric.tagged("breaker", name))
  ).pipe(Effect.map((state) => state.value))

describe("CircuitBreaker", () => {
  it.effect("opens after the threshold, fails fast, half-opens after the cool-down, closes on success", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({ name: "cb-basic", failureThreshold: 3, resetAfter: "10 seconds" })
      assert.strictEqual(yield* breaker.state, "Closed")
      assert.strictEqual(yield* gaugeOf("cb-basic"), 0)

      // a success resets the count of consecutive failures
      yield* fail(breaker)
      yield* fail(breaker)
      yield* breaker.run(Effect.void)
      yield* fail(breaker)
      yield* fail(breaker)
      assert.strictEqual(yield* breaker.state, "Closed")
      assert.strictEqual(yield* fail(breaker), "boom")
      assert.strictEqual(yield* breaker.state, "Open")
      assert.strictEqual(yield* gaugeOf("cb-basic"), 2)

      // open: the effect is not run
      let ran = false
      const error = yield* Effect.flip(breaker.run(Effect.sync(() => (ran = true))))
      assert.isFalse(ran)
      assert.strictEqual(error._tag, "CircuitOpen")
      assert.deepStrictEqual(error, new CircuitBreaker.CircuitOpen({ name: "cb-basic", retryAfterMillis: 10_000 }))
      assert.strictEqual(error.message, "Circuit cb-basic is open; retry after 10000 ms")

      yield* TestClock.adjust("4 seconds")
      const later = yield* Effect.flip(breaker.run(Effect.void))
      assert.strictEqual((later as CircuitBreaker.CircuitOpen).retryAfterMillis, 6_000)

      yield* TestClock.adjust("6 seconds")
      assert.strictEqual(yield* breaker.run(Effect.succeed(42)), 42)
      assert.strictEqual(yield* breaker.state, "Closed")
      assert.strictEqual(yield* gaugeOf("cb-basic"), 0)
    }))

  it.effect("a failed trial reopens for a full cool-down", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({ name: "cb-reopen", failureThreshold: 1, resetAfter: "5 seconds" })
      yield* fail(breaker)
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(yield* fail(breaker), "boom")
      assert.strictEqual(yield* breaker.state, "Open")
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual((yield* Effect.flip(breaker.run(Effect.void)))._tag, "CircuitOpen")
      yield* TestClock.adjust("1 millis")
      yield* breaker.run(Effect.void)
      assert.strictEqual(yield* breaker.state, "Closed")
    }))

  it.effect("half-open admits halfOpenTrials concurrent trials and needs them all to succeed", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({
        name: "cb-trials",
        failureThreshold: 1,
        resetAfter: "1 second",
        halfOpenTrials: 2
      })
      yield* fail(breaker)
      yield* TestClock.adjust("1 second")

      const gate = yield* Deferred.make<void>()
      const trial1 = yield* Effect.fork(breaker.run(Deferred.await(gate)))
      const trial2 = yield* Effect.fork(breaker.run(Deferred.await(gate)))
      yield* Effect.yieldNow()
      assert.strictEqual(yield* breaker.state, "HalfOpen")
      assert.strictEqual(yield* gaugeOf("cb-trials"), 1)
      const third = yield* Effect.flip(breaker.run(Effect.void))
      assert.deepStrictEqual(third, new CircuitBreaker.CircuitOpen({ name: "cb-trials", retryAfterMillis: 0 }))

      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(trial1)
      yield* Fiber.join(trial2)
      assert.strictEqual(yield* breaker.state, "Closed")
    }))

  it.effect("an interrupted trial frees its slot without deciding", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({ name: "cb-interrupt", failureThreshold: 1, resetAfter: "1 second" })
      yield* fail(breaker)
      yield* TestClock.adjust("1 second")
      const trial = yield* Effect.fork(breaker.run(Effect.never))
      yield* Effect.yieldNow()
      assert.strictEqual((yield* Effect.flip(breaker.run(Effect.void)))._tag, "CircuitOpen")
      yield* Fiber.interrupt(trial)
      assert.strictEqual(yield* breaker.state, "HalfOpen")
      yield* breaker.run(Effect.void)
      assert.strictEqual(yield* breaker.state, "Closed")
    }))

  it.effect("isFailure excludes typed failures; defects always count", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({
        name: "cb-filter",
        failureThreshold: 2,
        isFailure: (error) => error !== "not-found"
      })
      for (let i = 0; i < 5; i++) yield* Effect.flip(breaker.run(Effect.fail("not-found")))
      assert.strictEqual(yield* breaker.state, "Closed")
      yield* Effect.exit(breaker.run(Effect.die("bug")))
      const exit = yield* Effect.exit(breaker.run(Effect.die("bug")))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(yield* breaker.state, "Open")
    }))

  it.effect("changes publishes transitions; reset closes", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({ name: "cb-changes", failureThreshold: 1, resetAfter: "1 second" })
      const subscribed = yield* Deferred.make<void>()
      const seen = yield* breaker.changes.pipe(
        Stream.tap(() => Deferred.succeed(subscribed, undefined)),
        Stream.take(4),
        Stream.runCollect,
        Effect.fork
      )
      yield* Deferred.await(subscribed)
      yield* fail(breaker)
      yield* TestClock.adjust("1 second")
      const trial = yield* Effect.fork(breaker.run(Effect.never))
      yield* Effect.yieldNow()
      yield* breaker.reset
      yield* Fiber.interrupt(trial)
      assert.deepStrictEqual(Chunk.toReadonlyArray(yield* Fiber.join(seen)), ["Closed", "Open", "HalfOpen", "Closed"])
    }))

  it.effect("withCircuitBreaker is dual", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({ name: "cb-dual", failureThreshold: 1 })
      assert.strictEqual(yield* Effect.succeed(1).pipe(CircuitBreaker.withCircuitBreaker(breaker)), 1)
      assert.strictEqual(yield* CircuitBreaker.withCircuitBreaker(Effect.succeed(2), breaker), 2)
    }))

  it.scoped("shows in health output while registered", () =>
    Effect.gen(function*() {
      const breaker = yield* CircuitBreaker.make({ name: "billing", failureThreshold: 1, resetAfter: "1 second" })
      yield* CircuitBreaker.registerHealth(breaker)
      let report = yield* Health.ready
      assert.deepStrictEqual(report.checks.map((c) => [c.name, c.status._tag, c.critical]), [
        ["circuit:billing", "Healthy", false]
      ])
      yield* fail(breaker)
      report = yield* Health.ready
      assert.deepStrictEqual(report.status, Health.degraded("circuit:billing: circuit billing is open"))
      const strict = yield* CircuitBreaker.healthCheck(breaker, { openStatus: "unhealthy" })
      assert.deepStrictEqual(strict, Health.unhealthy("circuit billing is open"))
    }).pipe(Effect.provide(Health.layer())))
})

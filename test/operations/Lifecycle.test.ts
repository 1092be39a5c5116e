import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Ref } from "effect"
import { Health, Lifecycle } from "turbomcp-server"

// A layer that records its finalizer and a drain hook, in the order they run.
const recorder = (log: Ref.Ref<ReadonlyArray<string>>, name: string) =>
  Layer.scopedDiscard(
    Effect.gen(function*() {
      yield* Effect.addFinalizer(() => Ref.update(log, (all) => [...all, `${name}: finalizer`]))
      yield* Lifecycle.onDrain(Ref.update(log, (all) => [...all, `${name}: drain hook`]))
    })
  )

describe("Lifecycle", () => {
  it.effect("launch: every drain hook runs, in registration order, before any finalizer", () =>
    Effect.gen(function*() {
      const log = yield* Ref.make<ReadonlyArray<string>>([])
      // `transport` is built last (it depends on the others), so its finalizer runs first.
      const Main = recorder(log, "transport").pipe(
        Layer.provide(recorder(log, "server")),
        Layer.provide(recorder(log, "health"))
      )
      const fiber = yield* Effect.fork(Lifecycle.launch(Main))
      yield* Effect.yieldNow()
      assert.deepStrictEqual(yield* Ref.get(log), [])
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(yield* Ref.get(log), [
        "health: drain hook",
        "server: drain hook",
        "transport: drain hook",
        "transport: finalizer",
        "server: finalizer",
        "health: finalizer"
      ])
    }))

  it.effect("launch: a requested shutdown drains the same way, and the run succeeds", () =>
    Effect.gen(function*() {
      const log = yield* Ref.make<ReadonlyArray<string>>([])
      const Stopper = Layer.scopedDiscard(Effect.forkScoped(Lifecycle.requestShutdown))
      yield* Lifecycle.launch(Stopper.pipe(Layer.provide(recorder(log, "server"))))
      assert.deepStrictEqual(yield* Ref.get(log), ["server: drain hook", "server: finalizer"])
    }))

  it.effect("Health.layer turns readiness 503 when the drain starts", () =>
    Effect.gen(function*() {
      const seen = yield* Ref.make<ReadonlyArray<boolean>>([])
      // Reads readiness from its drain hook, registered after Health's, and from its finalizer.
      const Reader = Layer.scopedDiscard(
        Effect.gen(function*() {
          const health = yield* Health.Health
          const read = Effect.flatMap(health.ready, (r) => Ref.update(seen, (all) => [...all, r.draining]))
          yield* read
          yield* Effect.addFinalizer(() => read)
        })
      )
      const fiber = yield* Effect.fork(Lifecycle.launch(Reader.pipe(Layer.provide(Health.layer()))))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(yield* Ref.get(seen), [false, true])
    }))

  it.effect("a hook registered once the drain began runs at once; a failing hook does not stop the others", () =>
    Effect.gen(function*() {
      const drain = yield* Lifecycle.makeDrain
      const log = yield* Ref.make<ReadonlyArray<string>>([])
      yield* drain.onDrain(Effect.die("broken hook"))
      yield* drain.onDrain(Ref.update(log, (all) => [...all, "second"]))
      assert.isFalse(yield* drain.isDraining)
      yield* drain.begin
      yield* drain.begin // idempotent
      assert.isTrue(yield* drain.isDraining)
      yield* drain.onDrain(Ref.update(log, (all) => [...all, "late"]))
      yield* drain.await
      assert.deepStrictEqual(yield* Ref.get(log), ["second", "late"])
    }).pipe(Effect.scoped))

  it.effect("a hook whose scope closed before the drain does not run", () =>
    Effect.gen(function*() {
      const drain = yield* Lifecycle.makeDrain
      const log = yield* Ref.make<ReadonlyArray<string>>([])
      yield* Effect.scoped(drain.onDrain(Ref.update(log, (all) => [...all, "gone"])))
      yield* drain.begin
      assert.deepStrictEqual(yield* Ref.get(log), [])
    }))

  it.effect("outside launch, onDrain is accepted and never runs", () =>
    Effect.gen(function*() {
      const log = yield* Ref.make<ReadonlyArray<string>>([])
      yield* Effect.scoped(Lifecycle.onDrain(Ref.update(log, (all) => [...all, "never"])))
      assert.isFalse(yield* Lifecycle.isDraining)
      assert.deepStrictEqual(yield* Ref.get(log), [])
    }))
})

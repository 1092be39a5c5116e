// Session: ids, limits, idle expiry through the cleanup loop (TestClock), compare-and-set
// updates, per-session scopes, the gauge and the Config twin.
import { assert, describe, it } from "@effect/vitest"
import {
  ConfigProvider,
  Config,
  Deferred,
  Effect,
  Exit,
  Fiber,
  Layer,
  Metric,
  Option,
  Ref,
  Scope,
  TestClock
} from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Session, SessionState, SessionStore } from "turbomcp-server"

/** The service and the store under it, to look behind the service's back. */
const withStore = (options: Session.SessionOptions) =>
  Layer.provideMerge(Session.layer(options), SessionStore.layerMemory)

const gaugeValue = Effect.map(Metric.value(Session.activeSessions), (state) => state.value)

const counterOf = (state: SessionState.SessionState): number => {
  const n = state.clientCapabilities["counter"]
  return typeof n === "number" ? n : 0
}
const increment = (state: SessionState.SessionState): SessionState.SessionState => ({
  ...state,
  clientCapabilities: { ...state.clientCapabilities, counter: counterOf(state) + 1 }
})

describe("Session.open", () => {
  it.effect("ids are distinct, URL-safe and carry at least 128 random bits", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const opened = yield* Effect.forEach(Array.from({ length: 200 }), () => sessions.open())
      const ids = new Set(opened.map((s) => s.id))
      assert.strictEqual(ids.size, 200)
      for (const id of ids) {
        assert.match(id, /^[A-Za-z0-9_-]+$/)
        assert.isAtLeast(Buffer.from(id, "base64url").length * 8, 128)
      }
      assert.strictEqual(yield* sessions.count, 200)
    }).pipe(Effect.provide(Session.layerMemory())))

  it.effect("a new session: phase new, the revision and subject given, created and seen now", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      yield* TestClock.adjust("5 seconds")
      const state = yield* sessions.open({ subject: "alice", protocolVersion: "2025-03-26" })
      assert.strictEqual(state.phase, "new")
      assert.strictEqual(state.protocolVersion, "2025-03-26")
      assert.strictEqual(state.subject, "alice")
      assert.strictEqual(state.createdAt, 5_000)
      assert.strictEqual(state.lastSeenAt, 5_000)
      const anonymous = yield* sessions.open()
      assert.strictEqual(anonymous.protocolVersion, "2025-11-25")
      assert.isFalse("subject" in anonymous)
      assert.deepStrictEqual(yield* sessions.get(state.id), Option.some(state))
    }).pipe(Effect.provide(Session.layerMemory())))

  it.effect("at the limit, reject fails with SessionLimitReached (503 message, retryAfterSeconds)", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const a = yield* sessions.open()
      yield* sessions.open()
      const full = yield* Effect.flip(sessions.open())
      assert.strictEqual(full._tag, "SessionLimitReached")
      if (full._tag === "SessionLimitReached") {
        assert.strictEqual(full.message, "Service Unavailable: too many sessions")
        assert.strictEqual(full.retryAfterSeconds, 30)
        assert.strictEqual(full.limit, 2)
      }
      assert.strictEqual(yield* sessions.count, 2)
      assert.isTrue(yield* sessions.close(a.id))
      yield* sessions.open()
    }).pipe(Effect.provide(Session.layerMemory({ maxSessions: 2, cleanupInterval: "30 seconds" }))))

  it.effect("at the limit, evict-oldest closes the least recently seen session first", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const a = yield* sessions.open()
      yield* TestClock.adjust("1 second")
      const b = yield* sessions.open()
      yield* TestClock.adjust("1 second")
      yield* sessions.get(a.id) // a is now seen after b
      const closed = yield* Deferred.make<void>()
      yield* Scope.addFinalizer(yield* sessions.scopeOf(b.id), Deferred.succeed(closed, undefined))
      const c = yield* sessions.open()
      assert.isTrue(Option.isNone(yield* sessions.get(b.id)))
      assert.isTrue(Option.isSome(yield* sessions.get(a.id)))
      assert.isTrue(Option.isSome(yield* sessions.get(c.id)))
      assert.strictEqual(yield* sessions.count, 2)
      assert.isTrue(yield* Deferred.isDone(closed))
    }).pipe(Effect.provide(Session.layerMemory({ maxSessions: 2, onFull: "evict-oldest" }))))

  it.effect("a maxSessions below 1 is a defect when the layer is built", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(Session.layerMemory({ maxSessions: 0 })).pipe(Effect.scoped))
      assert.isTrue(Exit.isFailure(exit))
    }))
})

describe("Session idle timeout", () => {
  it.effect("use keeps a session alive; the cleanup loop removes it after idleTimeout without use", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const store = yield* SessionStore.SessionStore
      const { id } = yield* sessions.open()
      yield* TestClock.adjust("4 minutes")
      assert.isTrue(Option.isSome(yield* sessions.get(id)))
      yield* TestClock.adjust("4 minutes")
      const updated = yield* sessions.update(id, (s) => ({ ...s, phase: "ready" }))
      assert.strictEqual(updated.lastSeenAt, 8 * 60_000)
      yield* TestClock.adjust("4 minutes")
      assert.isTrue(Option.isSome(yield* sessions.get(id)))
      yield* TestClock.adjust("6 minutes")
      // The loop ran at each minute mark and already dropped it: nothing is left to expire.
      assert.deepStrictEqual(yield* store.expire, [])
      assert.strictEqual(yield* store.count, 0)
      assert.isTrue(Option.isNone(yield* sessions.get(id)))
      assert.strictEqual(yield* gaugeValue, 0)
    }).pipe(Effect.provide(withStore({ idleTimeout: "5 minutes", cleanupInterval: "1 minute" }))))

  it.effect("a failing expire is logged and the loop keeps running", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const memory = yield* SessionStore.makeMemory
      const flaky = SessionStore.SessionStore.of({
        ...memory,
        expire: Effect.flatMap(Ref.updateAndGet(calls, (n) => n + 1), (n) =>
          n === 1 ? Effect.fail(new SessionStore.SessionStoreError({ operation: "expire" })) : memory.expire)
      })
      yield* Effect.gen(function*() {
        const sessions = yield* Session.Session
        const { id } = yield* sessions.open()
        yield* TestClock.adjust("3 minutes")
        assert.isAtLeast(yield* Ref.get(calls), 3)
        assert.isTrue(Option.isNone(yield* sessions.get(id)))
        assert.strictEqual(yield* memory.count, 0)
      }).pipe(
        Effect.provide(Session.layer({ idleTimeout: "1 minute", cleanupInterval: "1 minute" })),
        Effect.provideService(SessionStore.SessionStore, flaky)
      )
    }))
})

describe("Session.update", () => {
  it.effect("20 concurrent updates of one session all land", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const { id } = yield* sessions.open()
      yield* Effect.forEach(Array.from({ length: 20 }), () => sessions.update(id, increment), { concurrency: "unbounded" })
      const state = yield* sessions.get(id)
      assert.strictEqual(Option.map(state, counterOf).pipe(Option.getOrThrow), 20)
    }).pipe(Effect.provide(Session.layerMemory())))

  it.scoped("two nodes over one store: conflicting updates are retried with compare-and-set and all land", () =>
    Effect.gen(function*() {
      const memory = yield* SessionStore.makeMemory
      const conflicts = yield* Ref.make(0)
      // A remote store: every read leaves room for other writers before the write.
      const remote = SessionStore.SessionStore.of({
        ...memory,
        get: (id) => Effect.zipLeft(memory.get(id), Effect.yieldNow()),
        put: (state, expected, ttl) =>
          memory.put(state, expected, ttl).pipe(
            Effect.tapErrorTag("VersionConflict", () => Ref.update(conflicts, (n) => n + 1))
          )
      })
      const node = () => Session.make().pipe(Effect.provideService(SessionStore.SessionStore, remote))
      const a = yield* node()
      const b = yield* node()
      const { id } = yield* a.open()
      yield* Effect.all([
        Effect.forEach(Array.from({ length: 10 }), () => a.update(id, increment), { concurrency: "unbounded" }),
        Effect.forEach(Array.from({ length: 10 }), () => b.update(id, increment), { concurrency: "unbounded" })
      ], { concurrency: "unbounded" })
      const stored = yield* memory.get(id)
      assert.isTrue(Option.isSome(stored))
      if (Option.isSome(stored)) {
        assert.strictEqual(counterOf(stored.value.state), 20)
        assert.strictEqual(stored.value.version, 21)
      }
      assert.isAbove(yield* Ref.get(conflicts), 0)
    }))

  it.scoped("after 5 conflicts in a row, update fails with SessionStoreError update", () =>
    Effect.gen(function*() {
      const memory = yield* SessionStore.makeMemory
      const attempts = yield* Ref.make(0)
      const contended = SessionStore.SessionStore.of({
        ...memory,
        put: (state, expected) =>
          Effect.zipRight(
            Ref.update(attempts, (n) => n + 1),
            Effect.fail(new SessionStore.VersionConflict({ id: state.id, expected, actual: expected + 1 }))
          )
      })
      const sessions = yield* Session.make().pipe(Effect.provideService(SessionStore.SessionStore, contended))
      const { id } = yield* sessions.open()
      const error = yield* Effect.flip(sessions.update(id, increment))
      assert.strictEqual(error._tag, "SessionStoreError")
      if (error._tag === "SessionStoreError") assert.strictEqual(error.operation, "update")
      assert.strictEqual(yield* Ref.get(attempts), 5)
    }))

  it.effect("keeps the id, and fails with SessionNotFound for an unknown session", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const { id } = yield* sessions.open()
      const updated = yield* sessions.update(id, (s) => ({ ...s, id: "other", logLevel: "error" }))
      assert.strictEqual(updated.id, id)
      assert.strictEqual(updated.logLevel, "error")
      const missing = yield* Effect.flip(sessions.update("nope", increment))
      assert.strictEqual(missing._tag, "SessionNotFound")
    }).pipe(Effect.provide(Session.layerMemory())))
})

describe("Session.scopeOf", () => {
  it.effect("one scope per session; close closes it, interrupting its fibers and running its finalizers", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const { id } = yield* sessions.open()
      const scope = yield* sessions.scopeOf(id)
      assert.strictEqual(yield* sessions.scopeOf(id), scope)
      const finalized = yield* Deferred.make<void>()
      yield* Scope.addFinalizer(scope, Deferred.succeed(finalized, undefined))
      const stream = yield* Effect.forkIn(Effect.never, scope)
      assert.isTrue(yield* sessions.close(id))
      assert.isTrue(yield* Deferred.isDone(finalized))
      assert.isTrue(Exit.isInterrupted(yield* Fiber.await(stream)))
      assert.isFalse(yield* sessions.close(id))
      assert.strictEqual((yield* Effect.flip(sessions.scopeOf(id)))._tag, "SessionNotFound")
      assert.strictEqual((yield* Effect.flip(sessions.scopeOf("unknown")))._tag, "SessionNotFound")
    }).pipe(Effect.provide(Session.layerMemory())))

  it.effect("expiry closes it", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const { id } = yield* sessions.open()
      const other = yield* sessions.open()
      const finalized = yield* Deferred.make<void>()
      yield* Scope.addFinalizer(yield* sessions.scopeOf(id), Deferred.succeed(finalized, undefined))
      const otherFinalized = yield* Deferred.make<void>()
      yield* Scope.addFinalizer(yield* sessions.scopeOf(other.id), Deferred.succeed(otherFinalized, undefined))
      yield* TestClock.adjust("20 seconds")
      yield* sessions.get(other.id)
      yield* TestClock.adjust("20 seconds")
      assert.isTrue(yield* Deferred.isDone(finalized))
      assert.isFalse(yield* Deferred.isDone(otherFinalized))
    }).pipe(Effect.provide(Session.layerMemory({ idleTimeout: "30 seconds", cleanupInterval: "10 seconds" }))))

  it.effect("shutting the layer down closes the scopes of all sessions", () =>
    Effect.gen(function*() {
      const finalized = yield* Deferred.make<void>()
      yield* Effect.gen(function*() {
        const sessions = yield* Session.Session
        const { id } = yield* sessions.open()
        yield* Scope.addFinalizer(yield* sessions.scopeOf(id), Deferred.succeed(finalized, undefined))
      }).pipe(Effect.provide(Session.layerMemory()))
      assert.isTrue(yield* Deferred.isDone(finalized))
    }))
})

describe("Session gauge", () => {
  it.effect("mcp_sessions_active follows open, close and expiry", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      assert.strictEqual(yield* gaugeValue, 0)
      const a = yield* sessions.open()
      yield* sessions.open()
      yield* sessions.open()
      assert.strictEqual(yield* gaugeValue, 3)
      yield* sessions.close(a.id)
      assert.strictEqual(yield* gaugeValue, 2)
      yield* TestClock.adjust("2 minutes")
      assert.strictEqual(yield* gaugeValue, 0)
    }).pipe(Effect.provide(Session.layerMemory({ idleTimeout: "1 minute", cleanupInterval: "30 seconds" }))))
})

describe("Session.layerConfig", () => {
  it.effect("reads its options from the ConfigProvider", () =>
    Effect.gen(function*() {
      const sessions = yield* Session.Session
      const { id } = yield* sessions.open()
      assert.strictEqual((yield* Effect.flip(sessions.open()))._tag, "SessionLimitReached")
      yield* TestClock.adjust("15 seconds")
      assert.isTrue(Option.isNone(yield* sessions.get(id)))
      yield* sessions.open()
    }).pipe(
      Effect.provide(
        Session.layerMemoryConfig({
          idleTimeout: Config.duration("IDLE"),
          maxSessions: Config.integer("MAX"),
          onFull: Config.literal("reject", "evict-oldest")("ON_FULL"),
          cleanupInterval: Config.duration("CLEANUP")
        }).pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(
          new Map([["IDLE", "10 seconds"], ["MAX", "1"], ["ON_FULL", "reject"], ["CLEANUP", "5 seconds"]])
        ))))
      )
    ))

  it.effect("a missing value fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Layer.build(
          Session.layerConfig({ maxSessions: Config.integer("MAX") }).pipe(
            Layer.provide(SessionStore.layerMemory),
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))
          )
        ).pipe(Effect.scoped)
      )
      assert.isTrue(Exit.isFailure(exit))
    }))
})

describe("Session with ids it could not have made", () => {
  it.effect("a malformed id names no session, even over the file store", () =>
    Effect.gen(function*() {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "turbomcp-session-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true })))
      yield* Effect.gen(function*() {
        const sessions = yield* Session.Session
        for (const id of ["../../etc/passwd", "", "a b", "x".repeat(200)]) {
          assert.isTrue(Option.isNone(yield* sessions.get(id)))
          assert.strictEqual((yield* Effect.flip(sessions.update(id, increment)))._tag, "SessionNotFound")
          assert.isFalse(yield* sessions.close(id))
          assert.strictEqual((yield* Effect.flip(sessions.scopeOf(id)))._tag, "SessionNotFound")
        }
      }).pipe(Effect.provide(Session.layerFile(directory)))
    }).pipe(Effect.scoped))
})

describe("Session.layerFile", () => {
  it.effect("sessions survive a restart of the layer", () =>
    Effect.gen(function*() {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "turbomcp-session-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true })))
      const opened = yield* Effect.flatMap(Session.Session, (s) =>
        Effect.flatMap(s.open({ subject: "bob" }), (state) => s.update(state.id, (x) => ({ ...x, phase: "ready" }))))
        .pipe(Effect.provide(Session.layerFile(directory)))
      const found = yield* Effect.flatMap(Session.Session, (s) => s.get(opened.id)).pipe(
        Effect.provide(Session.layerFile(directory))
      )
      assert.isTrue(Option.isSome(found))
      if (Option.isSome(found)) {
        assert.strictEqual(found.value.phase, "ready")
        assert.strictEqual(found.value.subject, "bob")
      }
    }).pipe(Effect.scoped))
})

// SessionStore: one contract suite over every backend (memory, file), then what only the file
// store does (restart, atomic writes, corrupt files, ids as file names).
import { NodeFileSystem } from "@effect/platform-node"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { SessionState, SessionStore, SessionStoreFile } from "turbomcp-server"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "turbomcp-session-store-"))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let dirs = 0
const freshDir = () => path.join(root, `store-${++dirs}`)

const stateOf = (id: string, now = 0): SessionState.SessionState =>
  SessionState.make({ id, protocolVersion: "2025-06-18", now })

type StoreLayer = Layer.Layer<SessionStore.SessionStore, SessionStore.SessionStoreError>

/** The behaviour every backend shares. `makeLayer` gives a fresh, empty store each call. */
const contract = (name: string, makeLayer: () => StoreLayer) =>
  describe(`SessionStore contract: ${name}`, () => {
    const withStore = <A, E>(f: (store: SessionStore.SessionStore["Type"]) => Effect.Effect<A, E>) =>
      Effect.flatMap(SessionStore.SessionStore, f).pipe(Effect.provide(makeLayer()))

    it.effect("create starts at version 1; get finds it; create over it fails with SessionExists", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const state = stateOf("s-1")
          assert.deepStrictEqual(yield* store.create(state, "1 minute"), { state, version: 1 })
          assert.deepStrictEqual(yield* store.get("s-1"), Option.some({ state, version: 1 }))
          assert.isTrue(Option.isNone(yield* store.get("unknown")))
          const exists = yield* Effect.flip(store.create(state, "1 minute"))
          assert.strictEqual(exists._tag, "SessionExists")
          assert.strictEqual(exists.message, "Session s-1 already exists")
        })
      ))

    it.effect("put is a compare-and-set: the expected version wins once, a stale one conflicts", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const state = stateOf("s-1")
          yield* store.create(state, "1 minute")
          const ready = { ...state, phase: "ready" as const }
          assert.deepStrictEqual(yield* store.put(ready, 1, "1 minute"), { state: ready, version: 2 })
          const stale = yield* Effect.flip(store.put({ ...state, logLevel: "debug" }, 1, "1 minute"))
          assert.strictEqual(stale._tag, "VersionConflict")
          if (stale._tag === "VersionConflict") {
            assert.strictEqual(stale.expected, 1)
            assert.strictEqual(stale.actual, 2)
          }
          assert.deepStrictEqual(yield* store.get("s-1"), Option.some({ state: ready, version: 2 }))
          const gone = yield* Effect.flip(store.put(stateOf("missing"), 1, "1 minute"))
          assert.strictEqual(gone._tag, "VersionConflict")
          if (gone._tag === "VersionConflict") assert.isUndefined(gone.actual)
          assert.deepStrictEqual((yield* store.put(ready, 2, "1 minute")).version, 3)
        })
      ))

    it.effect("entries expire after their TTL; touch restarts it and sets lastSeenAt, keeping the version", () =>
      withStore((store) =>
        Effect.gen(function*() {
          yield* store.create(stateOf("s-1"), "10 seconds")
          yield* TestClock.adjust("6 seconds")
          assert.isTrue(yield* store.touch("s-1", "10 seconds"))
          yield* TestClock.adjust("6 seconds")
          const found = yield* store.get("s-1")
          assert.isTrue(Option.isSome(found))
          if (Option.isSome(found)) {
            assert.strictEqual(found.value.version, 1)
            assert.strictEqual(found.value.state.lastSeenAt, 6_000)
          }
          yield* TestClock.adjust("5 seconds")
          assert.isTrue(Option.isNone(yield* store.get("s-1")))
          assert.isFalse(yield* store.touch("s-1", "10 seconds"))
          assert.isFalse(yield* store.touch("never", "10 seconds"))
          // An expired entry is gone for put too, and its id can be created again.
          assert.strictEqual((yield* Effect.flip(store.put(stateOf("s-1"), 1, "10 seconds")))._tag, "VersionConflict")
          assert.strictEqual((yield* store.create(stateOf("s-1", 17_000), "10 seconds")).version, 1)
        })
      ))

    it.effect("delete removes a live entry once", () =>
      withStore((store) =>
        Effect.gen(function*() {
          yield* store.create(stateOf("s-1"), "1 minute")
          assert.isTrue(yield* store.delete("s-1"))
          assert.isFalse(yield* store.delete("s-1"))
          assert.isTrue(Option.isNone(yield* store.get("s-1")))
          assert.strictEqual(yield* store.count, 0)
        })
      ))

    it.effect("expire drops the expired entries now and reports each once; count sees live entries only", () =>
      withStore((store) =>
        Effect.gen(function*() {
          yield* store.create(stateOf("short-1"), "1 second")
          yield* store.create(stateOf("short-2"), "1 second")
          yield* store.create(stateOf("long"), "1 minute")
          assert.strictEqual(yield* store.count, 3)
          assert.deepStrictEqual(yield* store.expire, [])
          yield* TestClock.adjust("2 seconds")
          assert.strictEqual(yield* store.count, 1)
          assert.deepStrictEqual([...(yield* store.expire)].sort(), ["short-1", "short-2"])
          assert.deepStrictEqual(yield* store.expire, [])
          assert.strictEqual(yield* store.count, 1)
          assert.isTrue(Option.isSome(yield* store.get("long")))
        })
      ))

    it.effect("oldest is the live entry seen least recently", () =>
      withStore((store) =>
        Effect.gen(function*() {
          assert.isTrue(Option.isNone(yield* store.oldest))
          yield* store.create(stateOf("a"), "1 minute")
          yield* TestClock.adjust("1 second")
          yield* store.create(stateOf("b", 1_000), "1 minute")
          assert.deepStrictEqual(yield* store.oldest, Option.some("a"))
          yield* TestClock.adjust("1 second")
          yield* store.touch("a", "1 minute")
          assert.deepStrictEqual(yield* store.oldest, Option.some("b"))
        })
      ))

    it.effect("states round-trip with every field", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const state: SessionState.SessionState = {
            ...stateOf("full"),
            phase: "ready",
            clientInfo: { name: "client", version: "1.0.0", title: "A client" },
            clientCapabilities: { roots: { listChanged: true }, sampling: {} },
            logLevel: "warning",
            subscriptions: ["file:///a", "file:///b"],
            subject: "alice",
            streamCursors: { "stream-1": "stream-1.42" }
          }
          yield* store.create(state, "1 minute")
          assert.deepStrictEqual(yield* store.get("full"), Option.some({ state, version: 1 }))
        })
      ))
  })

contract("memory", () => SessionStore.layerMemory)
contract("file", () => SessionStoreFile.layerFile({ directory: freshDir() }))

describe("SessionStoreFile", () => {
  const fileLayer = (directory: string) =>
    SessionStoreFile.layerFileWithoutDependencies({ directory }).pipe(Layer.provide(NodeFileSystem.layer))
  const inStore = <A, E>(directory: string, f: (store: SessionStore.SessionStore["Type"]) => Effect.Effect<A, E>) =>
    Effect.flatMap(SessionStore.SessionStore, f).pipe(Effect.provide(fileLayer(directory)))

  it.effect("sessions survive re-creating the layer on the same directory; expired ones do not", () =>
    Effect.gen(function*() {
      const directory = freshDir()
      const ready = { ...stateOf("kept"), phase: "ready" as const, subscriptions: ["file:///x"] }
      yield* inStore(directory, (store) =>
        Effect.gen(function*() {
          yield* store.create(stateOf("kept"), "1 minute")
          yield* store.put(ready, 1, "1 minute")
          yield* store.create(stateOf("short"), "1 second")
        }))
      yield* TestClock.adjust("2 seconds")
      yield* inStore(directory, (store) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(yield* store.get("kept"), Option.some({ state: ready, version: 2 }))
          assert.strictEqual(yield* store.count, 1)
          // The compare-and-set carries on from the persisted version.
          assert.strictEqual((yield* store.put(ready, 2, "1 minute")).version, 3)
        }))
      assert.deepStrictEqual(fs.readdirSync(directory), ["kept.json"])
    }))

  it.effect("writes are atomic: after many writes only the session files remain, each a whole record", () =>
    Effect.gen(function*() {
      const directory = freshDir()
      yield* inStore(directory, (store) =>
        Effect.gen(function*() {
          yield* Effect.forEach(["a", "b", "c"], (id) => store.create(stateOf(id), "1 minute"), { concurrency: 3 })
          for (let version = 1; version <= 10; version++) {
            yield* Effect.forEach(
              ["a", "b", "c"],
              (id) => store.put({ ...stateOf(id), subscriptions: [`v${version}`] }, version, "1 minute"),
              { concurrency: 3 }
            )
          }
          yield* store.touch("a", "1 minute")
          yield* store.delete("c")
        }))
      assert.deepStrictEqual(fs.readdirSync(directory).sort(), ["a.json", "b.json"])
      const record = JSON.parse(fs.readFileSync(path.join(directory, "a.json"), "utf8"))
      assert.strictEqual(record.version, 11)
      assert.strictEqual(record.expiresAt, 60_000)
      assert.deepStrictEqual(record.state.subscriptions, ["v10"])
      assert.strictEqual(record.state.id, "a")
    }))

  it.effect("corrupt files and leftover temporary files are removed on load; the rest loads", () =>
    Effect.gen(function*() {
      const directory = freshDir()
      yield* inStore(directory, (store) => store.create(stateOf("good"), "1 minute"))
      fs.writeFileSync(path.join(directory, "garbage.json"), "{ not json")
      fs.writeFileSync(path.join(directory, "invalid.json"), JSON.stringify({ version: 1, expiresAt: 1e12, state: {} }))
      // A record under another id's name is not trusted either.
      fs.copyFileSync(path.join(directory, "good.json"), path.join(directory, "other.json"))
      fs.writeFileSync(path.join(directory, ".good.json.0123456789ab.tmp"), "{ \"half\":")
      fs.writeFileSync(path.join(directory, "README"), "not a session")
      yield* inStore(directory, (store) =>
        Effect.gen(function*() {
          assert.strictEqual(yield* store.count, 1)
          assert.isTrue(Option.isSome(yield* store.get("good")))
          assert.isTrue(Option.isNone(yield* store.get("other")))
        }))
      assert.deepStrictEqual(fs.readdirSync(directory).sort(), ["README", "good.json"])
    }))

  it.effect("ids that are not safe file names fail with SessionStoreError and touch no file", () =>
    Effect.gen(function*() {
      const directory = freshDir()
      const outside = path.join(root, "escaped.json")
      yield* inStore(directory, (store) =>
        Effect.gen(function*() {
          for (const id of ["../escaped", "a/b", "..", "", "x".repeat(129), "a\\b", "a b", "é"]) {
            const created = yield* Effect.flip(store.create(stateOf(id), "1 minute"))
            assert.strictEqual(created._tag, "SessionStoreError", id)
            if (created._tag === "SessionStoreError") {
              assert.strictEqual(created.operation, "create")
              assert.strictEqual(created.message, "Session store create failed: invalid session id")
            }
            assert.strictEqual((yield* Effect.flip(store.get(id))).operation, "get")
            assert.strictEqual((yield* Effect.flip(store.delete(id))).operation, "delete")
            assert.strictEqual((yield* Effect.flip(store.touch(id, "1 minute"))).operation, "touch")
          }
          assert.strictEqual((yield* store.create(stateOf("x".repeat(128)), "1 minute")).version, 1)
        }))
      assert.isFalse(fs.existsSync(outside))
      assert.deepStrictEqual(fs.readdirSync(directory), [`${"x".repeat(128)}.json`])
    }))

  it.effect("an unusable directory fails the layer with SessionStoreError load", () =>
    Effect.gen(function*() {
      const file = path.join(root, "a-file")
      fs.writeFileSync(file, "")
      const error = yield* Effect.flip(inStore(file, (store) => store.count))
      assert.strictEqual(error._tag, "SessionStoreError")
      assert.strictEqual(error.operation, "load")
    }))
})

import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Queue, TestClock } from "effect"
import { ClientSession } from "turbomcp-server"
import { settle } from "../utils/harness.js"

const make = (clientRequestTimeout?: number) =>
  Effect.gen(function*() {
    const sent = yield* Queue.unbounded<Record<string, any>>()
    const session = yield* ClientSession.make({
      id: "abcdef0123456789",
      push: () => Effect.void,
      ...(clientRequestTimeout === undefined ? {} : { clientRequestTimeout })
    })
    const send = (text: string) => Queue.offer(sent, JSON.parse(text))
    return { session, sent, send }
  })

describe("ClientSession", () => {
  it("starts uninitialized", () => {
    assert.strictEqual(ClientSession.initialState.phase, "new")
    assert.strictEqual(ClientSession.initialState.logLevel, undefined)
    assert.strictEqual(ClientSession.initialState.subscriptions.size, 0)
  })

  it.effect("a server-to-client request is answered by the matching response", () =>
    Effect.gen(function*() {
      const { send, sent, session } = yield* make()
      const fiber = yield* Effect.fork(session.request(send, "roots/list", {}))
      const request = yield* Queue.take(sent)
      assert.strictEqual(request.jsonrpc, "2.0")
      assert.strictEqual(request.method, "roots/list")
      assert.deepStrictEqual(request.params, {})
      assert.isTrue(typeof request.id === "string" || typeof request.id === "number")
      assert.isFalse(yield* session.resolve({ _tag: "Response", id: "unrelated", result: {}, error: undefined }))
      assert.isTrue(yield* session.resolve({ _tag: "Response", id: request.id, result: { roots: [] }, error: undefined }))
      assert.deepStrictEqual(yield* Fiber.join(fiber), { roots: [] })
      // Answered once: a duplicate answer is not routed anywhere.
      assert.isFalse(yield* session.resolve({ _tag: "Response", id: request.id, result: {}, error: undefined }))
    }))

  it.effect("concurrent requests get distinct ids and their own answers", () =>
    Effect.gen(function*() {
      const { send, sent, session } = yield* make()
      const a = yield* Effect.fork(session.request(send, "a", {}))
      const b = yield* Effect.fork(session.request(send, "b", {}))
      const first = yield* Queue.take(sent)
      const second = yield* Queue.take(sent)
      assert.notStrictEqual(first.id, second.id)
      const byMethod = Object.fromEntries([first, second].map((m) => [m.method, m.id]))
      yield* session.resolve({ _tag: "Response", id: byMethod.b, result: "B", error: undefined })
      yield* session.resolve({ _tag: "Response", id: byMethod.a, result: "A", error: undefined })
      assert.strictEqual(yield* Fiber.join(a), "A")
      assert.strictEqual(yield* Fiber.join(b), "B")
    }))

  it.effect("an error answer fails with ClientError", () =>
    Effect.gen(function*() {
      const { send, sent, session } = yield* make()
      const fiber = yield* Effect.fork(session.request(send, "sampling/createMessage", {}))
      const request = yield* Queue.take(sent)
      yield* session.resolve({ _tag: "Response", id: request.id, result: undefined, error: { code: -1, message: "User rejected" } })
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.strictEqual(error._tag, "ClientError")
      if (error._tag === "ClientError") {
        assert.strictEqual(error.code, -1)
        assert.strictEqual(error.method, "sampling/createMessage")
      }
    }))

  it.effect("a client that never answers times out (TestClock)", () =>
    Effect.gen(function*() {
      const { send, sent, session } = yield* make(1_000)
      const fiber = yield* Effect.fork(session.request(send, "roots/list", {}))
      const request = yield* Queue.take(sent)
      yield* TestClock.adjust(999)
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust(1)
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.strictEqual(error._tag, "ClientTimeout")
      // A late answer finds nobody waiting.
      assert.isFalse(yield* session.resolve({ _tag: "Response", id: request.id, result: {}, error: undefined }))
    }))

  it.effect("the default timeout is five minutes", () =>
    Effect.gen(function*() {
      const { send, session } = yield* make()
      const fiber = yield* Effect.fork(session.request(send, "roots/list", {}))
      yield* settle
      yield* TestClock.adjust("299 seconds")
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Effect.flip(Fiber.join(fiber)))._tag, "ClientTimeout")
    }))

  it.effect("close fails every request that awaits an answer", () =>
    Effect.gen(function*() {
      const { send, sent, session } = yield* make()
      const a = yield* Effect.fork(session.request(send, "a", {}))
      const b = yield* Effect.fork(session.request(send, "b", {}))
      yield* Queue.take(sent)
      yield* Queue.take(sent)
      yield* session.close
      assert.strictEqual((yield* Effect.flip(Fiber.join(a)))._tag, "ClientError")
      assert.strictEqual((yield* Effect.flip(Fiber.join(b)))._tag, "ClientError")
    }))

  it.effect("cancel interrupts the tracked request fiber; unknown ids are ignored", () =>
    Effect.gen(function*() {
      const { session } = yield* make()
      const fiber = yield* Effect.fork(Effect.never)
      session.track(5, fiber)
      yield* session.cancel(999)
      yield* settle
      assert.isNull(fiber.unsafePoll(), "cancelling another id leaves it running")
      yield* session.cancel(5)
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
    }))

  it.effect("an untracked request can no longer be cancelled", () =>
    Effect.gen(function*() {
      const { session } = yield* make()
      const fiber = yield* Effect.fork(Effect.never)
      session.track("r", fiber)
      session.untrack("r")
      yield* session.cancel("r")
      yield* settle
      assert.isNull(fiber.unsafePoll())
      yield* Fiber.interrupt(fiber)
    }))
})

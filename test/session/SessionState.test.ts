// SessionState: one Schema value that encodes to JSON and back.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { SessionState } from "turbomcp-server"

describe("SessionState", () => {
  it.effect("encodes to plain JSON and decodes back", () =>
    Effect.gen(function*() {
      const state: SessionState.SessionState = {
        ...SessionState.make({ id: "abc", protocolVersion: "2025-11-25", now: 1_700_000_000_000, subject: "alice" }),
        phase: "initializing",
        clientInfo: { name: "c", version: "1", icons: [{ src: "https://x/y.png" }] },
        clientCapabilities: { elicitation: {} },
        subscriptions: ["file:///a"],
        streamCursors: { s1: "s1.3" }
      }
      const encoded = yield* SessionState.encode(state)
      const json = JSON.parse(JSON.stringify(encoded))
      assert.deepStrictEqual(json, encoded)
      assert.isTrue(Array.isArray(json.subscriptions))
      assert.deepStrictEqual(yield* SessionState.decode(json), state)
    }))

  it.effect("rejects a state that is not one", () =>
    Effect.gen(function*() {
      const base = yield* SessionState.encode(SessionState.make({ id: "a", protocolVersion: "2025-11-25", now: 0 }))
      for (const bad of [{ ...base, logLevel: "loud" }, { ...base, phase: "done" }, { ...base, createdAt: -1 }, {}]) {
        const error = yield* Effect.flip(SessionState.decode(bad))
        assert.strictEqual(error._tag, "ParseError")
      }
      assert.isTrue(Schema.is(SessionState.SessionState)(base))
    }))
})

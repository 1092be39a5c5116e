// Tool definitions on their own: argument decoding and result shaping.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Tool } from "turbomcp-server"

const run = (tool: Tool.Tool, params: unknown) => tool.run(params) as Effect.Effect<unknown, unknown>

describe("Tool", () => {
  it.effect("decodes arguments with the parameters Schema, ignoring excess properties", () =>
    Effect.gen(function*() {
      const tool = Tool.make("t", { parameters: { n: Schema.NumberFromString, s: Schema.optional(Schema.String) } }).handle(
        ({ n }) => Effect.succeed(`${n * 2}`)
      )
      assert.deepStrictEqual(yield* tool.decode({ n: "21", extra: true }), { n: 21 })
      // Missing arguments decode like an empty object: here that fails on the required `n`.
      assert.isTrue((yield* Effect.either(tool.decode(undefined)))._tag === "Left")
    }))

  it.effect("decode failures are readable messages naming the tool and every bad field", () =>
    Effect.gen(function*() {
      const tool = Tool.make("calc", { parameters: { a: Schema.Number, b: Schema.Number } }).handle(() => Effect.succeed("x"))
      const message = yield* Effect.flip(tool.decode({ a: "one", b: "two" }))
      assert.include(message, "calc")
      assert.include(message, "[\"a\"]")
      assert.include(message, "[\"b\"]", "errors: all reports every field")
      const missing = yield* Effect.flip(tool.decode(undefined))
      assert.include(missing, "a")
    }))

  it.effect("handler outputs are shaped into CallToolResults", () =>
    Effect.gen(function*() {
      const make = (output: Tool.Output) => Tool.make("t").handle(() => Effect.succeed(output))
      assert.deepStrictEqual(yield* run(make("plain"), {}), { content: [{ type: "text", text: "plain" }] })
      const image = { type: "image" as const, data: "AAAA", mimeType: "image/png" }
      assert.deepStrictEqual(yield* run(make(image), {}), { content: [image] })
      assert.deepStrictEqual(yield* run(make([Tool.text("a"), image]), {}), { content: [{ type: "text", text: "a" }, image] })
      assert.deepStrictEqual(yield* run(make(Tool.error("nope")), {}), { content: [{ type: "text", text: "nope" }], isError: true })
      const whole = { content: [Tool.text("x")], _meta: { k: 1 } }
      assert.deepStrictEqual(yield* run(make(whole), {}), whole)
    }))

  it.effect("a success Schema encodes the value into structuredContent and its JSON text", () =>
    Effect.gen(function*() {
      const tool = Tool.make("when", { success: Schema.Struct({ at: Schema.DateFromString, n: Schema.Number }) }).handle(() =>
        Effect.succeed({ at: new Date("2025-01-02T03:04:05.000Z"), n: 1 })
      )
      const result = (yield* run(tool, {})) as { content: Array<{ text: string }>; structuredContent: unknown }
      assert.deepStrictEqual(result.structuredContent, { at: "2025-01-02T03:04:05.000Z", n: 1 })
      assert.deepStrictEqual(JSON.parse(result.content[0]!.text), { at: "2025-01-02T03:04:05.000Z", n: 1 })
    }))

  it.effect("an output that violates the tool's own success Schema is a defect", () =>
    Effect.gen(function*() {
      const tool = Tool.make("bad", { success: Schema.Struct({ n: Schema.Number }) }).handle(() =>
        Effect.succeed({ n: "not a number" } as unknown as { n: number })
      )
      const exit = yield* Effect.exit(run(tool, {}))
      assert.strictEqual(exit._tag, "Failure")
      if (exit._tag === "Failure") assert.strictEqual(exit.cause._tag, "Die")
    }))

  it("keeps its metadata", () => {
    const tool = Tool.make("meta", {
      title: "Meta",
      description: "d",
      annotations: { destructiveHint: false },
      icons: [{ src: "https://x/i.png" }],
      _meta: { "com.example/x": 1 }
    }).handle(() => Effect.succeed("x"))
    assert.strictEqual(tool._tag, "Tool")
    assert.strictEqual(tool.name, "meta")
    assert.strictEqual(tool.title, "Meta")
    assert.strictEqual(tool.description, "d")
    assert.deepStrictEqual(tool.annotations, { destructiveHint: false })
    assert.deepStrictEqual(tool.icons, [{ src: "https://x/i.png" }])
    assert.deepStrictEqual(tool._meta, { "com.example/x": 1 })
  })
})

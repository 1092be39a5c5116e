// JSON-RPC bounds and bounded previews: pure functions, checked directly.
import { Either, ParseResult, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { JsonRpc } from "../../src/index.js"
import { bounded, formatParseError, preview } from "../../src/protocol/internal/preview.js"

const errorOf = (text: string, limits?: JsonRpc.Limits) => {
  const decoded = JsonRpc.decode(text, limits)
  if (Either.isRight(decoded)) throw new Error("expected an invalid message")
  return decoded.left
}

describe("JsonRpc limits", () => {
  it("depth is counted from the message itself; 64 levels pass, 65 do not", () => {
    const nested = (depth: number) => `{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":${"[".repeat(depth - 2)}${"]".repeat(depth - 2)}}}`
    expect(Either.isRight(JsonRpc.decode(nested(64)))).toBe(true)
    expect(errorOf(nested(65))).toEqual({
      id: 1,
      error: { code: -32600, message: "Invalid Request: the message nests deeper than 64 levels" }
    })
  })

  it("a nesting of a million levels neither throws nor overflows", () => {
    const text = "[".repeat(1_000_000) + "]".repeat(1_000_000)
    expect(() => JsonRpc.decode(text)).not.toThrow()
    expect(errorOf(text).error.code).toBeLessThan(-32000)
  })

  it("strings, keys, arrays, objects and batches each have their own bound and message", () => {
    const limits = JsonRpc.limits({ maxStringLength: 7, maxArrayLength: 4, maxBatchSize: 2 })
    expect(errorOf(`{"jsonrpc":"2.0","id":"a","method":"x","params":{"s":"12345678"}}`, limits).error.message).toBe(
      "Invalid Request: a string of 8 characters exceeds the limit of 7"
    )
    expect(errorOf(`{"jsonrpc":"2.0","id":"a","method":"x","params":{"longkey1":1}}`, limits).error.message).toBe(
      "Invalid Request: a string of 8 characters exceeds the limit of 7"
    )
    expect(errorOf(`{"jsonrpc":"2.0","id":"a","method":"x","params":{"a":[1,2,3,4,5]}}`, limits).error.message).toBe(
      "Invalid Request: an array of 5 items exceeds the limit of 4"
    )
    expect(errorOf(`{"jsonrpc":"2.0","id":"a","method":"x","params":{"a":1,"b":2,"c":3,"d":4,"e":5}}`, limits).error.message)
      .toContain("more than 4 keys")
    expect(errorOf(`[{"jsonrpc":"2.0","id":1,"method":"x"},{"jsonrpc":"2.0","id":2,"method":"x"},{"jsonrpc":"2.0","id":3,"method":"x"}]`, limits))
      .toEqual({ id: null, error: { code: -32600, message: "Invalid Request: a batch of 3 messages exceeds the limit of 2" } })
  })

  it("the defaults are the documented ones", () => {
    expect(JsonRpc.defaultLimits).toEqual({ maxDepth: 64, maxStringLength: 1_048_576, maxArrayLength: 100_000, maxBatchSize: 100 })
    expect(JsonRpc.limits(undefined)).toBe(JsonRpc.defaultLimits)
  })
})

describe("bounded previews", () => {
  it("cut strings, arrays, objects and depth", () => {
    expect(bounded("x".repeat(100))).toBe(`${"x".repeat(80)}… (100 chars)`)
    expect(bounded([1, 2, 3, 4, 5, 6, 7])).toEqual([1, 2, 3, 4, 5, "… 2 more"])
    expect(bounded({ a: { b: { c: { d: 1 } } } })).toEqual({ a: { b: { c: "{…}" } } })
    expect(preview({ big: "y".repeat(10_000) }).length).toBeLessThanOrEqual(100)
    expect(preview(BigInt(1))).toBe("[object BigInt]")
  })

  it("a parse error over a huge value formats to a short message", () => {
    const schema = Schema.Struct({ items: Schema.Array(Schema.Number) })
    const decoded = Schema.decodeUnknownEither(schema, { errors: "all" })({ items: Array.from({ length: 50_000 }, () => "z".repeat(1_000)) })
    if (Either.isRight(decoded)) throw new Error("expected a failure")
    const message = formatParseError(decoded.left as ParseResult.ParseError)
    expect(message).toContain("Expected number")
    expect(message.length).toBeLessThanOrEqual(2_100)
  })
})

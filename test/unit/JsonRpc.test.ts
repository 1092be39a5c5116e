import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { JsonRpc } from "turbomcp-server"

const decodeOk = (text: string) => {
  const decoded = JsonRpc.decode(text)
  if (Either.isLeft(decoded)) assert.fail(`expected ${text} to decode, got ${JSON.stringify(decoded.left)}`)
  return decoded.right
}

const single = (text: string) => {
  const decoded = decodeOk(text)
  if (decoded._tag !== "Single") assert.fail(`expected a single message from ${text}`)
  return decoded.message
}

describe("JsonRpc codec", () => {
  it("decodes requests, notifications and responses", () => {
    assert.deepStrictEqual(single(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"x"}}`), {
      _tag: "Request",
      id: 1,
      method: "tools/list",
      params: { cursor: "x" }
    })
    assert.deepStrictEqual(single(`{"jsonrpc":"2.0","id":"abc","method":"ping"}`), {
      _tag: "Request",
      id: "abc",
      method: "ping",
      params: undefined
    })
    assert.deepStrictEqual(single(`{"jsonrpc":"2.0","method":"notifications/initialized"}`), {
      _tag: "Notification",
      method: "notifications/initialized",
      params: undefined
    })
    assert.deepStrictEqual(single(`{"jsonrpc":"2.0","id":7,"result":{"roots":[]}}`), {
      _tag: "Response",
      id: 7,
      result: { roots: [] },
      error: undefined
    })
    const errorResponse = single(`{"jsonrpc":"2.0","id":"s-1","error":{"code":-1,"message":"User rejected","data":{"x":1}}}`)
    assert.deepStrictEqual(errorResponse, {
      _tag: "Response",
      id: "s-1",
      result: undefined,
      error: { code: -1, message: "User rejected", data: { x: 1 } }
    })
  })

  it("a response with a null result is still a response", () => {
    const message = single(`{"jsonrpc":"2.0","id":3,"result":null}`)
    assert.strictEqual(message._tag, "Response")
  })

  it("decodes a batch item by item, keeping invalid items as errors", () => {
    const decoded = decodeOk(`[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},{"id":2},7]`)
    assert.strictEqual(decoded._tag, "Batch")
    if (decoded._tag !== "Batch") return
    assert.strictEqual(decoded.items.length, 4)
    const [a, b, c, d] = decoded.items
    assert.isTrue(Either.isRight(a!) && a.right._tag === "Request")
    assert.isTrue(Either.isRight(b!) && b.right._tag === "Notification")
    assert.isTrue(Either.isLeft(c!))
    if (Either.isLeft(c!)) assert.deepStrictEqual([c.left.id, c.left.error.code], [2, -32600])
    assert.isTrue(Either.isLeft(d!))
    if (Either.isLeft(d!)) assert.deepStrictEqual([d.left.id, d.left.error.code], [null, -32600])
  })

  // Each bad input: the code it must get and the id the error may echo (null: none).
  const badInputs: ReadonlyArray<readonly [string, string, number, JsonRpc.RequestId | null]> = [
    ["malformed JSON", `{"jsonrpc":"2.0","id":1,"method":"ping"`, -32700, null],
    ["not JSON at all", `hello`, -32700, null],
    ["empty text", ``, -32700, null],
    ["a number", `42`, -32600, null],
    ["a string", `"ping"`, -32600, null],
    ["null", `null`, -32600, null],
    ["empty batch", `[]`, -32600, null],
    ["missing jsonrpc", `{"id":1,"method":"ping"}`, -32600, 1],
    ["wrong jsonrpc version", `{"jsonrpc":"1.0","id":1,"method":"ping"}`, -32600, 1],
    ["jsonrpc as a number", `{"jsonrpc":2,"id":1,"method":"ping"}`, -32600, 1],
    ["missing method", `{"jsonrpc":"2.0","id":5}`, -32600, 5],
    ["method is a number", `{"jsonrpc":"2.0","id":5,"method":42}`, -32600, 5],
    ["method is empty", `{"jsonrpc":"2.0","id":5,"method":""}`, -32600, 5],
    ["params is a string", `{"jsonrpc":"2.0","id":6,"method":"ping","params":"x"}`, -32600, 6],
    ["params is a number", `{"jsonrpc":"2.0","id":6,"method":"ping","params":1}`, -32600, 6],
    ["params is null", `{"jsonrpc":"2.0","id":6,"method":"ping","params":null}`, -32600, 6],
    ["params is an array (MCP params are objects)", `{"jsonrpc":"2.0","id":6,"method":"ping","params":[1]}`, -32600, 6],
    ["null id", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, -32600, null],
    ["id is an object", `{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`, -32600, null],
    ["id is a boolean", `{"jsonrpc":"2.0","id":true,"method":"ping"}`, -32600, null],
    ["id is fractional", `{"jsonrpc":"2.0","id":1.5,"method":"ping"}`, -32600, null],
    ["id beyond the safe integers", `{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}`, -32600, null],
    ["oversized string id", JSON.stringify({ jsonrpc: "2.0", id: "x".repeat(10_000), method: "ping" }), -32600, null],
    ["result and error both missing", `{"jsonrpc":"2.0","id":9,"foo":1}`, -32600, 9],
    ["malformed error object", `{"jsonrpc":"2.0","id":9,"error":{"code":"x"}}`, -32600, 9],
    ["response without id", `{"jsonrpc":"2.0","result":{}}`, -32600, null]
  ]

  it.each(badInputs)("bad input: %s", (_name, text, code, id) => {
    const decoded = JsonRpc.decode(text)
    assert.isTrue(Either.isLeft(decoded), `${text.slice(0, 80)} should not decode`)
    if (Either.isRight(decoded)) return
    assert.strictEqual(decoded.left.error.code, code)
    assert.strictEqual(decoded.left.id, id)
    assert.isString(decoded.left.error.message)
    assert.isAbove(decoded.left.error.message.length, 0)
  })

  it("a 256-character id is fine, 257 is not", () => {
    assert.strictEqual(single(JSON.stringify({ jsonrpc: "2.0", id: "a".repeat(256), method: "ping" }))._tag, "Request")
    assert.isTrue(Either.isLeft(JsonRpc.decode(JSON.stringify({ jsonrpc: "2.0", id: "a".repeat(257), method: "ping" }))))
  })

  it("never throws, whatever the input", () => {
    const inputs = ["\u0000", "[[[[", "{}", "[{}]", "[null]", "{\"__proto__\":{}}", "1e400", "\"\\ud800\""]
    for (const text of inputs) assert.doesNotThrow(() => JsonRpc.decode(text))
  })

  it("fromJson classifies parsed values the same way", () => {
    assert.isTrue(Either.isRight(JsonRpc.fromJson({ jsonrpc: "2.0", id: 1, method: "ping" })))
    const empty = JsonRpc.fromJson([])
    assert.isTrue(Either.isLeft(empty) && empty.left.error.code === -32600)
  })

  it("encodes responses, errors, notifications and requests as JSON-RPC 2.0", () => {
    assert.deepStrictEqual(JSON.parse(JsonRpc.successText(1, { ok: true })), { jsonrpc: "2.0", id: 1, result: { ok: true } })
    assert.deepStrictEqual(JSON.parse(JsonRpc.errorText("a", { code: -32601, message: "nope" })), {
      jsonrpc: "2.0",
      id: "a",
      error: { code: -32601, message: "nope" }
    })
    // An error whose request id could not be read carries no id (MCP never sends a null id).
    const anonymous = JSON.parse(JsonRpc.errorText(null, { code: -32700, message: "Parse error" }))
    assert.deepStrictEqual(anonymous, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" } })
    assert.deepStrictEqual(JSON.parse(JsonRpc.notificationText("notifications/x", undefined)), {
      jsonrpc: "2.0",
      method: "notifications/x"
    })
    assert.deepStrictEqual(JSON.parse(JsonRpc.notificationText("notifications/x", { a: 1 })), {
      jsonrpc: "2.0",
      method: "notifications/x",
      params: { a: 1 }
    })
    assert.deepStrictEqual(JSON.parse(JsonRpc.requestText("s-1", "roots/list", {})), {
      jsonrpc: "2.0",
      id: "s-1",
      method: "roots/list",
      params: {}
    })
  })

  it("round-trips what it encodes", () => {
    const request = JsonRpc.requestText(42, "tools/call", { name: "echo", arguments: { text: "ü \n \"q\"" } })
    assert.deepStrictEqual(single(request), {
      _tag: "Request",
      id: 42,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "ü \n \"q\"" } }
    })
    assert.deepStrictEqual(single(JsonRpc.successText("r", [1, 2])), { _tag: "Response", id: "r", result: [1, 2], error: undefined })
  })

  it("has the standard error codes", () => {
    assert.deepStrictEqual(
      [
        JsonRpc.ErrorCode.ParseError,
        JsonRpc.ErrorCode.InvalidRequest,
        JsonRpc.ErrorCode.MethodNotFound,
        JsonRpc.ErrorCode.InvalidParams,
        JsonRpc.ErrorCode.InternalError,
        JsonRpc.ErrorCode.ResourceNotFound
      ],
      [-32700, -32600, -32601, -32602, -32603, -32002]
    )
  })
})

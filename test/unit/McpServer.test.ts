// The dispatcher's behaviour, driving McpServer directly as a transport would.
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Logger, LogLevel, Queue, Schema, TestClock } from "effect"
import { Completion, McpError, McpSchema, McpServer, Middleware, Prompt, Registry, RequestMeta, Resource, Tool } from "turbomcp-server"
import { isInterrupted, makeClient, serverLayer, settle, type Wire } from "../utils/harness.js"

// --- definitions --------------------------------------------------------------------------

const Echo = Tool.make("echo", {
  title: "Echo",
  description: "Echo the text back",
  parameters: { text: Schema.String.annotations({ description: "Text to echo" }) },
  annotations: { readOnlyHint: true },
  icons: [{ src: "https://example.com/echo.png", mimeType: "image/png" }]
}).handle(({ text }) => Effect.succeed(text))

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: { a: Schema.Number, b: Schema.Number },
  success: Schema.Struct({ result: Schema.Number })
}).handle(({ a, b }) => Effect.succeed({ result: a + b }))

const Slow = Tool.make("slow", {
  description: "Sleeps in steps of 100 ms, reporting progress",
  parameters: { steps: Schema.Int }
}).handle(({ steps }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    for (let step = 1; step <= steps; step++) {
      yield* Effect.sleep("100 millis")
      yield* ctx.progress(step, { total: steps })
    }
    return `done after ${steps}`
  })
)

const Fails = Tool.make("fails", { description: "Fails with a message" }).handle(() => Effect.fail("the disk is full"))
const Dies = Tool.make("dies", { description: "Dies" }).handle(() => Effect.die(new Error("secret stack detail")))

const Logs = Tool.make("logs", { description: "Logs at several levels" }).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.log.debug("d")
    yield* ctx.log.info("i")
    yield* ctx.log.warning("w")
    yield* ctx.log.error("e")
    return "logged"
  })
)

const Ask = Tool.make("ask", { description: "Elicits a name" }).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("Name?", Schema.Struct({ name: Schema.String }))
    return answer.action === "accept" ? `Hello, ${answer.content.name}` : `no (${answer.action})`
  })
)

class Greeting extends Context.Tag("test/Greeting")<Greeting, { readonly word: string }>() {}

const Greet = Tool.make("greet", { description: "Uses a service", parameters: { name: Schema.String } }).handle(({ name }) =>
  Effect.map(Greeting, (g) => `${g.word}, ${name}!`)
)

const Readme = Resource.make({ uri: "test://readme", name: "readme", title: "Read me", mimeType: "text/plain" }).handle(
  Effect.succeed("hello")
)
const Broken = Resource.make({ uri: "test://broken", name: "broken" }).handle(Effect.die(new Error("secret")))
const Item = Resource.template({
  uriTemplate: "test://items/{id}",
  name: "item",
  mimeType: "application/json",
  variables: { id: Schema.NumberFromString },
  complete: { id: Completion.fromList(["1", "12", "2"]) }
}).handle(({ id }) => Effect.succeed(JSON.stringify({ id })))

const Review = Prompt.make("review", {
  description: "Review code",
  arguments: {
    language: Schema.String.annotations({ description: "Programming language" }),
    code: Schema.optional(Schema.String)
  },
  complete: { language: Completion.fromList(["typescript", "python", "rust"]) }
}).handle(({ code, language }) => Effect.succeed(`Review this ${language}: ${code ?? "(none)"}`))

const Definitions = Layer.mergeAll(
  McpServer.tools(Echo, Add, Slow, Fails, Dies, Logs, Ask, Greet),
  McpServer.resources(Readme, Broken, Item),
  McpServer.prompts(Review)
).pipe(Layer.provide(Layer.succeed(Greeting, { word: "Hej" })))

const ServerLive = serverLayer(Definitions, {
  name: "test-server",
  version: "1.2.3",
  title: "Test Server",
  icons: [{ src: "https://example.com/icon.png" }],
  instructions: "Be nice."
})

const provide = Effect.provide(ServerLive)

const errorCode = (response: Wire) => {
  assert.isDefined(response.error, `expected an error, got ${JSON.stringify(response)}`)
  return response.error.code as number
}

const textOf = (response: Wire) => {
  assert.isDefined(response.result, `expected a result, got ${JSON.stringify(response)}`)
  return response.result.content[0].text as string
}

const LEGACY = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] as const

// --- tests ----------------------------------------------------------------------------------

describe("McpServer lifecycle", () => {
  it.scoped("requests before initialize are rejected; ping always works", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      for (const method of ["tools/list", "tools/call", "resources/list", "prompts/get", "logging/setLevel", "nope"]) {
        const response = yield* client.request(method, {})
        assert.strictEqual(errorCode(response), -32600, `${method} before initialize`)
      }
      assert.deepStrictEqual((yield* client.request("ping", undefined, "p1")), { jsonrpc: "2.0", id: "p1", result: {} })
      const init = yield* client.request("initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "c", version: "1" }
      })
      assert.strictEqual(init.result.protocolVersion, "2025-06-18")
      assert.deepStrictEqual((yield* client.request("ping")).result, {})
      // The spec only forbids requests before the initialize *response*.
      assert.isDefined((yield* client.request("tools/list")).result)
      yield* client.notify("notifications/initialized")
      assert.isDefined((yield* client.request("tools/list")).result)
      assert.deepStrictEqual((yield* client.request("ping")).result, {})
    }).pipe(provide))

  it.scoped("initialize twice is an invalid request", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const again = yield* client.request("initialize", {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "c", version: "1" }
      })
      assert.strictEqual(errorCode(again), -32600)
      assert.isDefined((yield* client.request("tools/list")).result, "the session still serves")
    }).pipe(provide))

  it.scoped("initialize with malformed params is invalid params and leaves the session new", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      assert.strictEqual(errorCode(yield* client.request("initialize", { protocolVersion: "2025-06-18" })), -32602)
      assert.strictEqual(errorCode(yield* client.request("tools/list")), -32600)
      assert.strictEqual((yield* client.initialize("2025-06-18")).result.protocolVersion, "2025-06-18")
    }).pipe(provide))

  it.effect.each(LEGACY)("initialize negotiates %s and shapes the result for it", (version) =>
    Effect.scoped(
      Effect.gen(function*() {
        const client = yield* makeClient()
        const { result } = yield* client.initialize(version)
        assert.strictEqual(result.protocolVersion, version)
        assert.strictEqual(result.instructions, "Be nice.")
        assert.strictEqual(result.serverInfo.name, "test-server")
        assert.strictEqual(result.serverInfo.version, "1.2.3")
        assert.strictEqual(result.serverInfo.title, version >= "2025-06-18" ? "Test Server" : undefined)
        assert.strictEqual(result.serverInfo.icons !== undefined, version >= "2025-11-25")
        assert.deepStrictEqual(result.capabilities.tools, { listChanged: true })
        assert.deepStrictEqual(result.capabilities.resources, { subscribe: true, listChanged: true })
        assert.deepStrictEqual(result.capabilities.prompts, { listChanged: true })
        assert.deepStrictEqual(result.capabilities.logging, {})
        assert.strictEqual(result.capabilities.completions !== undefined, version >= "2025-03-26")
      }).pipe(provide)
    ))

  it.scoped("an unknown version is answered with the latest legacy revision", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      assert.strictEqual((yield* client.initialize("1999-01-01")).result.protocolVersion, "2025-11-25")
    }).pipe(provide))

  it.scoped("initialize without a session (stateless handle) is rejected", () =>
    Effect.gen(function*() {
      const server = yield* McpServer.McpServer
      const text = yield* server.handle(
        { _tag: "Request", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "c", version: "1" } } },
        {
          meta: RequestMeta.bare("2025-06-18"),
          outbound: { notify: () => Effect.void, request: () => Effect.never, closeStream: Effect.void },
          session: undefined
        }
      )
      assert.strictEqual(JSON.parse(text).error.code, -32600)
    }).pipe(provide))
})

describe("McpServer dispatch", () => {
  it.scoped("unknown methods are -32601 and echo the request id", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const response = yield* client.request("tools/frobnicate", {}, "id-7")
      assert.strictEqual(response.id, "id-7")
      assert.strictEqual(errorCode(response), -32601)
      // Object.prototype keys are not methods.
      assert.strictEqual(errorCode(yield* client.request("constructor", {})), -32601)
      assert.strictEqual(errorCode(yield* client.request("__proto__", {})), -32601)
    }).pipe(provide))

  it.effect.each(LEGACY)("tools/list is shaped for %s", (version) =>
    Effect.scoped(
      Effect.gen(function*() {
        const client = yield* makeClient()
        yield* client.initialize(version)
        const { result } = yield* client.request("tools/list")
        assert.deepStrictEqual(result.tools.map((t: Wire) => t.name), ["echo", "add", "slow", "fails", "dies", "logs", "ask", "greet"])
        assert.isUndefined(result.nextCursor)
        const echo = result.tools[0]
        const add = result.tools[1]
        assert.strictEqual(echo.description, "Echo the text back")
        assert.strictEqual(echo.inputSchema.properties.text.description, "Text to echo")
        assert.strictEqual(echo.title !== undefined, version >= "2025-06-18", "title arrived in 2025-06-18")
        assert.strictEqual(add.outputSchema !== undefined, version >= "2025-06-18", "outputSchema arrived in 2025-06-18")
        assert.strictEqual(echo.annotations !== undefined, version >= "2025-03-26", "annotations arrived in 2025-03-26")
        assert.strictEqual(echo.icons !== undefined, version >= "2025-11-25", "icons arrived in 2025-11-25")
      }).pipe(provide)
    ))

  it.scoped("list pagination through the server: opaque cursors, invalid cursor is -32602", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const seen: Array<string> = []
      let cursor: string | undefined = undefined
      let pages = 0
      do {
        const response: Wire = yield* client.request("tools/list", cursor === undefined ? {} : { cursor })
        seen.push(...response.result.tools.map((t: Wire) => t.name))
        cursor = response.result.nextCursor
        pages++
      } while (cursor !== undefined && pages < 10)
      assert.strictEqual(pages, 3)
      assert.deepStrictEqual(seen, ["echo", "add", "slow", "fails", "dies", "logs", "ask", "greet"])
      assert.strictEqual(errorCode(yield* client.request("tools/list", { cursor: "not-a-cursor" })), -32602)
      assert.strictEqual(errorCode(yield* client.request("prompts/list", { cursor: 5 })), -32602)
    }).pipe(Effect.provide(serverLayer(Definitions, { name: "paged", version: "1", pageSize: 3 }))))

  it.scoped("tools/call: text result", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const response = yield* client.request("tools/call", { name: "echo", arguments: { text: "hi" } })
      assert.deepStrictEqual(response.result, { content: [{ type: "text", text: "hi" }] })
    }).pipe(provide))

  it.scoped("tools/call: unknown tool and malformed call params are -32602", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const unknown = yield* client.request("tools/call", { name: "nope", arguments: {} })
      assert.strictEqual(errorCode(unknown), -32602)
      assert.include(unknown.error.message, "nope")
      assert.strictEqual(errorCode(yield* client.request("tools/call", { name: 5 })), -32602)
      assert.strictEqual(errorCode(yield* client.request("tools/call", {})), -32602)
      assert.strictEqual(errorCode(yield* client.request("tools/call", { name: "echo", arguments: "text" })), -32602)
    }).pipe(provide))

  it.scoped("tools/call: the hot path's params checks agree with McpSchema.CallToolParams, with their own messages", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const isCallToolParams = Schema.is(McpSchema.CallToolParams)
      const badName = "Invalid params for tools/call: name must be a string"
      const badArguments = "Invalid params for tools/call: arguments must be an object"
      const rows: ReadonlyArray<readonly [Record<string, unknown>, string | undefined]> = [
        [{ name: "echo", arguments: { text: "x" } }, undefined],
        [{ name: "echo" }, undefined],
        [{ name: "echo", arguments: undefined }, undefined],
        [{}, badName],
        [{ name: 5 }, badName],
        [{ name: null, arguments: {} }, badName],
        [{ name: "echo", arguments: "text" }, badArguments],
        [{ name: "echo", arguments: [] }, badArguments],
        [{ name: "echo", arguments: null }, badArguments],
        [{ name: "echo", arguments: 3 }, badArguments]
      ]
      for (const [params, message] of rows) {
        assert.strictEqual(isCallToolParams(params), message === undefined, JSON.stringify(params))
        const response = yield* client.request("tools/call", params)
        if (message === undefined) {
          // Past the envelope: a result (a tool error for bad arguments on 2025-11-25).
          assert.isDefined(response.result, JSON.stringify(response))
        } else {
          assert.deepStrictEqual(response.error, { code: -32602, message }, JSON.stringify(params))
        }
      }
    }).pipe(provide))

  it.scoped("tools/call: bad arguments are a tool error on 2025-11-25 (SEP-1303)", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-11-25")
      for (const args of [{ a: 1, b: "two" }, { a: 1 }, undefined]) {
        const response = yield* client.request("tools/call", args === undefined ? { name: "add" } : { name: "add", arguments: args })
        assert.isUndefined(response.error)
        assert.strictEqual(response.result.isError, true)
        assert.include(textOf(response), "add")
      }
      const typeError = yield* client.request("tools/call", { name: "add", arguments: { a: 1, b: "two" } })
      assert.include(textOf(typeError), "b", "the message names the bad argument")
    }).pipe(provide))

  it.effect.each(["2024-11-05", "2025-03-26", "2025-06-18"] as const)("tools/call: bad arguments are -32602 on %s", (version) =>
    Effect.scoped(
      Effect.gen(function*() {
        const client = yield* makeClient()
        yield* client.initialize(version)
        const response = yield* client.request("tools/call", { name: "add", arguments: { a: 1, b: "two" } })
        assert.strictEqual(errorCode(response), -32602)
        assert.include(response.error.message, "b")
      }).pipe(provide)
    ))

  it.scoped("tools/call: structured output carries structuredContent and a text rendering", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-06-18")
      const { result } = yield* client.request("tools/call", { name: "add", arguments: { a: 2, b: 3 } })
      assert.deepStrictEqual(result.structuredContent, { result: 5 })
      assert.strictEqual(result.content[0].type, "text")
      assert.deepStrictEqual(JSON.parse(result.content[0].text), { result: 5 })
    }).pipe(provide))

  it.effect.each(["2024-11-05", "2025-03-26"] as const)("tools/call: %s gets the text rendering only", (version) =>
    Effect.scoped(
      Effect.gen(function*() {
        const client = yield* makeClient()
        yield* client.initialize(version)
        const { result } = yield* client.request("tools/call", { name: "add", arguments: { a: 2, b: 3 } })
        assert.isUndefined(result.structuredContent)
        assert.deepStrictEqual(JSON.parse(result.content[0].text), { result: 5 })
      }).pipe(provide)
    ))

  it.scoped("tools/call: a failing handler is an isError result; a defect hides its details", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const failed = yield* client.request("tools/call", { name: "fails" })
      assert.strictEqual(failed.result.isError, true)
      assert.strictEqual(textOf(failed), "the disk is full")
      const died = yield* client.request("tools/call", { name: "dies" })
      assert.strictEqual(died.result.isError, true)
      assert.notInclude(JSON.stringify(died), "secret stack detail")
      assert.isDefined((yield* client.request("ping")).result, "still serving")
    }).pipe(provide))

  it.scoped("tools/call: a handler's services come from the layers", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      assert.strictEqual(textOf(yield* client.request("tools/call", { name: "greet", arguments: { name: "Ada" } })), "Hej, Ada!")
    }).pipe(provide))

  it.scoped("resources: list, read, templates, not found", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-06-18")
      const list = yield* client.request("resources/list")
      assert.deepStrictEqual(list.result.resources[0], { uri: "test://readme", name: "readme", title: "Read me", mimeType: "text/plain" })
      const read = yield* client.request("resources/read", { uri: "test://readme" })
      assert.deepStrictEqual(read.result, { contents: [{ uri: "test://readme", mimeType: "text/plain", text: "hello" }] })
      const templates = yield* client.request("resources/templates/list")
      assert.deepStrictEqual(templates.result.resourceTemplates, [
        { uriTemplate: "test://items/{id}", name: "item", mimeType: "application/json" }
      ])
      const item = yield* client.request("resources/read", { uri: "test://items/41" })
      assert.deepStrictEqual(item.result.contents, [{ uri: "test://items/41", mimeType: "application/json", text: "{\"id\":41}" }])
      const missing = yield* client.request("resources/read", { uri: "test://nope" })
      assert.strictEqual(errorCode(missing), -32002)
      assert.deepStrictEqual(missing.error.data, { uri: "test://nope" })
      assert.strictEqual(errorCode(yield* client.request("resources/read", { uri: "test://items/abc" })), -32602)
      assert.strictEqual(errorCode(yield* client.request("resources/read", {})), -32602)
    }).pipe(provide))

  it.scoped("a resource handler's defect is -32603 without its details", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const response = yield* client.request("resources/read", { uri: "test://broken" })
      assert.strictEqual(errorCode(response), -32603)
      assert.notInclude(JSON.stringify(response), "secret")
    }).pipe(provide))

  it.scoped("prompts: list, get, missing argument, unknown prompt", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const list = yield* client.request("prompts/list")
      assert.deepStrictEqual(list.result.prompts, [{
        name: "review",
        description: "Review code",
        arguments: [
          { name: "language", description: "Programming language", required: true },
          { name: "code", required: false }
        ]
      }])
      const get = yield* client.request("prompts/get", { name: "review", arguments: { language: "rust", code: "fn main() {}" } })
      assert.deepStrictEqual(get.result, {
        description: "Review code",
        messages: [{ role: "user", content: { type: "text", text: "Review this rust: fn main() {}" } }]
      })
      assert.strictEqual(errorCode(yield* client.request("prompts/get", { name: "review", arguments: {} })), -32602)
      assert.strictEqual(errorCode(yield* client.request("prompts/get", { name: "review", arguments: { language: 5 } })), -32602)
      assert.strictEqual(errorCode(yield* client.request("prompts/get", { name: "nope" })), -32602)
    }).pipe(provide))

  it.scoped("completion/complete for prompt arguments and template variables", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const prompt = yield* client.request("completion/complete", {
        ref: { type: "ref/prompt", name: "review" },
        argument: { name: "language", value: "py" }
      })
      assert.deepStrictEqual(prompt.result, { completion: { values: ["python"], total: 1, hasMore: false } })
      const template = yield* client.request("completion/complete", {
        ref: { type: "ref/resource", uri: "test://items/{id}" },
        argument: { name: "id", value: "1" }
      })
      assert.deepStrictEqual(template.result.completion.values, ["1", "12"])
      const noCompleter = yield* client.request("completion/complete", {
        ref: { type: "ref/prompt", name: "review" },
        argument: { name: "code", value: "x" }
      })
      assert.deepStrictEqual(noCompleter.result.completion.values, [])
      const unknownPrompt = yield* client.request("completion/complete", {
        ref: { type: "ref/prompt", name: "nope" },
        argument: { name: "x", value: "" }
      })
      assert.strictEqual(errorCode(unknownPrompt), -32602)
      const badRef = yield* client.request("completion/complete", { ref: { type: "ref/tool", name: "x" }, argument: { name: "x", value: "" } })
      assert.strictEqual(errorCode(badRef), -32602)
    }).pipe(provide))

  it.scoped("logging/setLevel filters the logs a handler sends; bad levels are -32602", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const levels = Effect.map(client.drainSent, (sent) =>
        sent.filter((m) => m.method === "notifications/message").map((m) => m.params.level))
      yield* client.request("tools/call", { name: "logs" })
      assert.deepStrictEqual(yield* levels, ["debug", "info", "warning", "error"], "no level set: everything")
      assert.deepStrictEqual((yield* client.request("logging/setLevel", { level: "warning" })).result, {})
      yield* client.request("tools/call", { name: "logs" })
      assert.deepStrictEqual(yield* levels, ["warning", "error"])
      assert.strictEqual(errorCode(yield* client.request("logging/setLevel", { level: "loud" })), -32602)
      assert.strictEqual(errorCode(yield* client.request("logging/setLevel", {})), -32602)
      yield* client.request("tools/call", { name: "logs" })
      assert.deepStrictEqual(yield* levels, ["warning", "error"], "a rejected setLevel changes nothing")
    }).pipe(provide))

  it.scoped("resources/subscribe: updates reach subscribed sessions only, until unsubscribe", () =>
    Effect.gen(function*() {
      const a = yield* makeClient()
      const b = yield* makeClient()
      yield* a.initialize()
      yield* b.initialize()
      assert.deepStrictEqual((yield* a.request("resources/subscribe", { uri: "test://readme" })).result, {})
      yield* McpServer.notifyResourceUpdated("test://readme")
      yield* McpServer.notifyResourceUpdated("test://other")
      assert.deepStrictEqual(yield* a.drainPushed, [
        { jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: "test://readme" } }
      ])
      assert.deepStrictEqual(yield* b.drainPushed, [])
      assert.deepStrictEqual((yield* a.request("resources/unsubscribe", { uri: "test://readme" })).result, {})
      yield* McpServer.notifyResourceUpdated("test://readme")
      assert.deepStrictEqual(yield* a.drainPushed, [])
    }).pipe(provide))

  it.scoped("registry changes are announced with list_changed to initialized sessions only", () =>
    Effect.gen(function*() {
      const ready = yield* makeClient()
      yield* ready.initialize()
      const fresh = yield* makeClient()
      const halfway = yield* makeClient()
      yield* halfway.request("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "h", version: "1" } })
      // Let the announcements of the registrations the layer made at startup go by first.
      yield* settle
      yield* ready.drainPushed

      yield* Registry.addTool(Tool.make("late", { description: "added later" }).handle(() => Effect.succeed("late")))
      assert.deepStrictEqual(yield* Queue.take(ready.pushed), { jsonrpc: "2.0", method: "notifications/tools/list_changed" })
      yield* Registry.addPrompt(Prompt.make("p2").handle(() => Effect.succeed("p")))
      assert.strictEqual((yield* Queue.take(ready.pushed)).method, "notifications/prompts/list_changed")
      yield* Registry.addResource(Resource.make({ uri: "test://new", name: "new" }).handle(Effect.succeed("n")))
      assert.strictEqual((yield* Queue.take(ready.pushed)).method, "notifications/resources/list_changed")
      const registry = yield* Registry.Registry
      yield* registry.removeTool("late")
      assert.strictEqual((yield* Queue.take(ready.pushed)).method, "notifications/tools/list_changed")
      yield* settle
      assert.deepStrictEqual(yield* fresh.drainPushed, [])
      assert.deepStrictEqual(yield* halfway.drainPushed, [], "not before notifications/initialized")

      const list = yield* ready.request("tools/list")
      assert.notInclude(list.result.tools.map((t: Wire) => t.name), "late")
    }).pipe(provide))

  it.scoped("a tool registered at run time is listed and callable", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      // A first list fills the page cache; the registry change must be seen through it.
      const before = (yield* client.request("tools/list")).result.tools.map((t: Wire) => t.name)
      assert.notInclude(before, "late")
      yield* Registry.addTool(Tool.make("late").handle(() => Effect.succeed("I am late")))
      const names = (yield* client.request("tools/list")).result.tools.map((t: Wire) => t.name)
      assert.strictEqual(names[names.length - 1], "late")
      assert.strictEqual(textOf(yield* client.request("tools/call", { name: "late" })), "I am late")
    }).pipe(provide))
})

describe("McpServer modern envelope", () => {
  const modernRequest = (version: unknown): Parameters<McpServer.McpServer["Type"]["handleModern"]>[0] => ({
    _tag: "Request",
    id: 1,
    method: "tools/list",
    params: {
      _meta: {
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientCapabilities": {}
      }
    }
  })
  const outbound: Parameters<McpServer.McpServer["Type"]["handleModern"]>[1] = {
    notify: () => Effect.void,
    request: () => Effect.die("no server requests in this test"),
    closeStream: Effect.void
  }

  it.effect.each([
    ["1999-01-01", "Unsupported protocol version: 1999-01-01 (supported: 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)"],
    // A legacy revision exists, but not in the envelope.
    ["2025-11-25", "Unsupported protocol version: 2025-11-25 (supported in _meta: 2026-07-28; 2025-11-25 needs the initialize handshake)"]
  ])("a _meta protocolVersion of %s is -32022 with the unified message", ([version, message]) =>
    Effect.gen(function*() {
      const server = yield* McpServer.McpServer
      const reply = JSON.parse((yield* server.handleModern(modernRequest(version), outbound)).text)
      assert.deepStrictEqual(reply.error, { code: -32022, message, data: { supported: ["2026-07-28"], requested: version } })
    }).pipe(provide))
})

describe("McpServer request context", () => {
  it.scoped("progress notifications follow the request's progress token (TestClock)", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const fiber = yield* Effect.fork(
        client.request("tools/call", { name: "slow", arguments: { steps: 3 }, _meta: { progressToken: "tok-1" } })
      )
      yield* settle
      assert.deepStrictEqual(yield* client.drainSent, [])
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(yield* Queue.take(client.sent), {
        jsonrpc: "2.0",
        method: "notifications/progress",
        params: { progressToken: "tok-1", progress: 1, total: 3 }
      })
      yield* TestClock.adjust("200 millis")
      const response = yield* Fiber.join(fiber)
      assert.deepStrictEqual((yield* client.drainSent).map((m) => m.params.progress), [2, 3])
      assert.strictEqual(textOf(response), "done after 3")
    }).pipe(provide))

  it.scoped("without a progress token no progress is sent", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const fiber = yield* Effect.fork(client.request("tools/call", { name: "slow", arguments: { steps: 2 } }))
      yield* TestClock.adjust("300 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* client.drainSent, [])
    }).pipe(provide))

  it.scoped("notifications/cancelled interrupts the handler; no response; the session keeps serving", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const { fiber, id } = yield* client.start("tools/call", { name: "slow", arguments: { steps: 50 }, _meta: { progressToken: 1 } })
      yield* TestClock.adjust("100 millis")
      assert.strictEqual((yield* Queue.take(client.sent)).params.progress, 1)
      yield* client.notify("notifications/cancelled", { requestId: id, reason: "user pressed stop" })
      assert.isTrue(yield* isInterrupted(fiber), "the request fiber is interrupted, so no response is written")
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* client.drainSent, [], "no progress after cancellation")
      assert.strictEqual(textOf(yield* client.request("tools/call", { name: "echo", arguments: { text: "still here" } })), "still here")
    }).pipe(provide))

  it.scoped("notifications/cancelled needs only a requestId: a malformed reason still cancels", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      const { fiber, id } = yield* client.start("tools/call", { name: "slow", arguments: { steps: 50 } })
      yield* TestClock.adjust("100 millis")
      yield* client.notify("notifications/cancelled", { requestId: id, reason: 42 })
      assert.isTrue(yield* isInterrupted(fiber))
    }).pipe(provide))

  it.scoped("cancelling an unknown or finished request is harmless", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize()
      yield* client.notify("notifications/cancelled", { requestId: 12345 })
      yield* client.notify("notifications/cancelled", {})
      yield* client.notify("notifications/cancelled", { requestId: { bad: true } })
      const { fiber, id } = yield* client.start("ping")
      yield* Fiber.join(fiber)
      yield* client.notify("notifications/cancelled", { requestId: id })
      assert.deepStrictEqual((yield* client.request("ping")).result, {})
    }).pipe(provide))

  it.scoped("elicitation round trip through the session", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-11-25", { elicitation: {} })
      const fiber = yield* Effect.fork(client.request("tools/call", { name: "ask" }))
      const request = yield* Queue.take(client.sent)
      assert.strictEqual(request.method, "elicitation/create")
      assert.strictEqual(request.params.message, "Name?")
      assert.strictEqual(request.params.mode, "form")
      assert.isDefined(request.id)
      yield* client.respond(request.id, { action: "accept", content: { name: "Grace" } })
      assert.strictEqual(textOf(yield* Fiber.join(fiber)), "Hello, Grace")
    }).pipe(provide))

  it.scoped("elicitation declined by the client", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-06-18", { elicitation: {} })
      const fiber = yield* Effect.fork(client.request("tools/call", { name: "ask" }))
      const request = yield* Queue.take(client.sent)
      yield* client.respond(request.id, { action: "decline" })
      assert.strictEqual(textOf(yield* Fiber.join(fiber)), "no (decline)")
    }).pipe(provide))

  it.scoped("elicitation without the client capability fails clearly and sends nothing", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-11-25", {})
      const response = yield* client.request("tools/call", { name: "ask" })
      assert.include(JSON.stringify(response.error ?? response.result), "elicitation")
      assert.deepStrictEqual(yield* client.drainSent, [])
    }).pipe(provide))

  it.scoped("a closed session fails the pending elicitation instead of hanging", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-11-25", { elicitation: {} })
      const fiber = yield* Effect.fork(client.request("tools/call", { name: "ask" }))
      yield* Queue.take(client.sent)
      yield* client.server.closeSession(client.session)
      const response = yield* Fiber.join(fiber)
      assert.isTrue(response.error !== undefined || response.result?.isError === true)
    }).pipe(provide))

  it.scoped("sessions are counted", () =>
    Effect.gen(function*() {
      const server = yield* McpServer.McpServer
      const before = server.sessionCount()
      const client = yield* makeClient()
      assert.strictEqual(server.sessionCount(), before + 1)
      yield* server.closeSession(client.session)
      assert.strictEqual(server.sessionCount(), before)
    }).pipe(provide))
})

describe("McpServer middleware", () => {
  it.scoped("runs around every request, first registered outermost, with the request in context", () =>
    Effect.gen(function*() {
      const trace: Array<string> = []
      const outer = Middleware.make((handler) =>
        Effect.flatMap(McpServer.Context, (ctx) =>
          Effect.sync(() => trace.push(`outer>${ctx.method}`)).pipe(
            Effect.zipRight(handler),
            Effect.tap(() => Effect.sync(() => trace.push(`outer<${ctx.method}`)))
          ))
      )
      const inner = Middleware.make((handler) =>
        Effect.sync(() => trace.push("inner>")).pipe(
          Effect.zipRight(handler),
          Effect.tap(() => Effect.sync(() => trace.push("inner<")))
        )
      )
      const layer = serverLayer(
        Layer.mergeAll(McpServer.tools(Echo), McpServer.middleware(outer), McpServer.middleware(inner), McpServer.middleware(Middleware.logging))
      )
      yield* Effect.gen(function*() {
        const client = yield* makeClient()
        yield* client.initialize()
        trace.length = 0
        assert.strictEqual(textOf(yield* client.request("tools/call", { name: "echo", arguments: { text: "x" } })), "x")
        assert.deepStrictEqual(trace, ["outer>tools/call", "inner>", "inner<", "outer<tools/call"])
      }).pipe(Effect.provide(layer))
    }))

  it.scoped("Middleware.logging logs each request's method, outcome, id and duration at debug level", () =>
    Effect.gen(function*() {
      const lines: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ annotations, logLevel, message }) => {
          const record: Record<string, unknown> = {}
          for (const [key, value] of annotations) record[key] = value
          lines.push({ level: logLevel.label, message: Array.isArray(message) ? message.join(" ") : String(message), annotations: record })
        })
      )
      yield* Effect.gen(function*() {
        const client = yield* makeClient()
        yield* client.initialize()
        lines.length = 0
        yield* client.request("tools/call", { name: "echo", arguments: { text: "x" } })
        yield* client.request("prompts/get", { name: "missing" })
      }).pipe(
        Effect.provide(serverLayer(Layer.mergeAll(McpServer.tools(Echo), McpServer.middleware(Middleware.logging)))),
        Effect.provide(capture),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      const logged = lines.filter((l) => l.annotations.method !== undefined)
      assert.deepStrictEqual(logged.map((l) => [l.level, l.message]), [["DEBUG", "tools/call ok"], ["DEBUG", "prompts/get failed"]])
      assert.strictEqual(typeof logged[0]!.annotations.requestId, "string")
      assert.match(String(logged[0]!.annotations.durationMs), /^\d+\.\d{2}$/)
    }))

  it.scoped("a middleware may answer without calling the handler", () =>
    Effect.gen(function*() {
      // The Middleware type keeps the handler's error channel; a protocol error is still what a
      // guard answers with, so the failure is cast into it.
      const deny = Middleware.make((handler) =>
        Effect.flatMap(McpServer.Context, (ctx) =>
          ctx.method === "tools/call"
            ? (Effect.fail(new McpError.InvalidRequest({ message: "denied" })) as unknown as typeof handler)
            : handler)
      )
      yield* Effect.gen(function*() {
        const client = yield* makeClient()
        yield* client.initialize()
        const response = yield* client.request("tools/call", { name: "echo", arguments: { text: "x" } })
        assert.strictEqual(errorCode(response), -32600)
        assert.include(response.error.message, "denied")
        assert.isDefined((yield* client.request("tools/list")).result)
      }).pipe(Effect.provide(serverLayer(Layer.mergeAll(McpServer.tools(Echo), McpServer.middleware(deny)))))
    }))
})

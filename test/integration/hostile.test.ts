// Hostile input: a request that breaks a bound, or that makes our own code fail, gets the
// spec's error and nothing else; the server goes on serving. In process over HTTP (port 0) and
// stdio (streams), and the demo server as a user runs it, in a child process.
import { Effect, Layer, Logger, ManagedRuntime, Schema } from "effect"
import { PassThrough } from "node:stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Http, McpServer, Middleware, Stdio, Tool } from "../../src/index.js"
import { postHeaders, rawRequest } from "../utils/http.js"
import { DEMO_HTTP, freePort, spawnStdio, spawnTs, waitForHttp } from "../utils/process.js"

const LEGACY = "2025-06-18"
const MODERN = "2026-07-28"

const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

const modernMeta = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "hostile-test", version: "1.0.0" },
  "io.modelcontextprotocol/clientCapabilities": {}
}

const modernHeaders = (method: string, name?: string) =>
  postHeaders({
    "mcp-protocol-version": MODERN,
    "mcp-method": method,
    ...(name === undefined ? {} : { "mcp-name": name })
  })

const Echo = Tool.make("echo", { parameters: { text: Schema.String } }).handle(({ text }) => Effect.succeed(text))
const Count = Tool.make("count", { parameters: { n: Schema.Number } }).handle(({ n }) => Effect.succeed(String(n)))
// A result JSON cannot carry: serializing it throws.
const Unserializable = Tool.make("unserializable").handle(() =>
  Effect.succeed({ content: [{ type: "text" as const, text: "x" }], _meta: { big: BigInt(1) } } as never)
)
// Middleware whose own code throws while the request is being planned, for one tool only.
const ThrowingMiddleware = Middleware.make((handler) =>
  Effect.flatMap(McpServer.Context, (ctx) => {
    if ((ctx.params?.name as string | undefined) === "boom") throw new Error("middleware bug")
    return handler
  })
)
const Boom = Tool.make("boom").handle(() => Effect.succeed("never"))
const Stuck = Tool.make("stuck").handle(() => Effect.as(Effect.sleep("1 minute"), "late"))

const logs: Array<{ readonly message: string; readonly annotations: Record<string, unknown> }> = []
const CapturingLogger = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ annotations, message }) => {
    const record: Record<string, unknown> = {}
    for (const [key, value] of annotations) record[key] = value
    logs.push({ message: Array.isArray(message) ? message.join(" ") : String(message), annotations: record })
  })
)

const Definitions = Layer.mergeAll(
  McpServer.tools(Echo, Count, Unserializable, Boom, Stuck),
  McpServer.middleware(ThrowingMiddleware)
)

let runtime: ManagedRuntime.ManagedRuntime<Http.Endpoint, never>
let url: string

beforeAll(async () => {
  runtime = ManagedRuntime.make(
    Http.layerEndpoint({ port: 0, limits: { maxStringLength: 10_000, maxBatchSize: 5, maxArrayLength: 1_000 } }).pipe(
      Layer.provide(Definitions),
      Layer.provide(McpServer.layer({ name: "hostile", version: "1.0.0" })),
      Layer.provide(CapturingLogger)
    )
  )
  url = (await runtime.runPromise(Http.Endpoint)).url
})

afterAll(async () => {
  await runtime?.dispose()
})

const post = (body: string, headers: Record<string, string> = postHeaders({ "mcp-protocol-version": LEGACY })) =>
  rawRequest(url, { headers, body })

const modernCall = (name: string, args: string | Record<string, unknown>) =>
  post(
    `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${
      typeof args === "string" ? args : JSON.stringify(args)
    },"_meta":${JSON.stringify(modernMeta)}}}`,
    modernHeaders("tools/call", name)
  )

/** A legacy session's headers, after initialize and notifications/initialized. */
const openSession = async () => {
  const init = await post(JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: "hostile-test", version: "1.0.0" } }
  }))
  expect(init.status).toBe(200)
  const headers = postHeaders({ "mcp-session-id": init.headers["mcp-session-id"] as string, "mcp-protocol-version": LEGACY })
  expect((await post(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), headers)).status).toBe(202)
  return headers
}

/** The server still serves: a modern echo answers. */
const stillServing = async () => {
  const answer = await modernCall("echo", { text: "still here" })
  expect(answer.status).toBe(200)
  expect(answer.json.result.content[0].text).toBe("still here")
}

describe("bounds at the edge (HTTP)", () => {
  it("a 100,000-level nested argument is -32600 naming the depth, with the request's id", async () => {
    const answer = await modernCall("echo", `{"text":${deepArray(100_000)}}`)
    expect(answer.status).toBe(400)
    expect(answer.json).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32600, message: "Invalid Request: the message nests deeper than 64 levels" }
    })
    await stillServing()
  })

  it("the same on a legacy session, and the session goes on", async () => {
    const headers = await openSession()
    const deep = await post(
      `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":${deepArray(100_000)}}}}`,
      headers
    )
    expect(deep.status).toBe(400)
    expect(deep.json.error.code).toBe(-32600)
    const next = await post(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "echo", arguments: { text: "ok" } } }), headers)
    expect(next.json.result.content[0].text).toBe("ok")
  })

  it("a string, an array and a batch over their configured bounds are each -32600 with a clear message", async () => {
    const long = await modernCall("echo", { text: "x".repeat(10_001) })
    expect(long.status).toBe(400)
    expect(long.json.error).toEqual({
      code: -32600,
      message: "Invalid Request: a string of 10001 characters exceeds the limit of 10000"
    })
    const wide = await modernCall("echo", { text: "a", extra: Array.from({ length: 1_001 }, () => 0) })
    expect(wide.json.error.message).toBe("Invalid Request: an array of 1001 items exceeds the limit of 1000")
    const headers = await openSession()
    const batch = JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "ping" })))
    const tooMany = await post(batch, headers)
    expect(tooMany.status).toBe(400)
    expect(tooMany.json.error.message).toBe("Invalid Request: a batch of 6 messages exceeds the limit of 5")
    await stillServing()
  })

  it("error messages carry a bounded preview of the client's value, never the value", async () => {
    const answer = await modernCall("count", { n: "y".repeat(9_000) })
    expect(answer.status).toBe(200)
    const text: string = answer.json.result.content[0].text
    expect(answer.json.result.isError).toBe(true)
    expect(text).toContain("Expected number")
    expect(text).toContain("(9000 chars)")
    expect(text.length).toBeLessThan(400)
    const unknownTool = await modernCall("z".repeat(5_000), {})
    expect(JSON.stringify(unknownTool.json).length).toBeLessThan(1_000)
  })
})

describe("session ids", () => {
  it("carry 144 random bits (24 base64url characters) and never repeat", async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, async () => (await openSession())["mcp-session-id"]!))
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe("defects are contained to their request (HTTP)", () => {
  it("a result that cannot be serialized is -32603 Internal error; the log line names the request", async () => {
    logs.length = 0
    const answer = await modernCall("unserializable", {})
    expect(answer.json).toEqual({ jsonrpc: "2.0", id: 7, error: { code: -32603, message: "Internal error" } })
    await stillServing()
    const line = logs.find((l) => l.message.includes("tools/call failed"))
    expect(line?.annotations).toMatchObject({ requestId: "7", method: "tools/call" })
  })

  it("middleware that throws while the request is planned is -32603 with a neutral message", async () => {
    const answer = await modernCall("boom", {})
    expect(answer.json.error).toEqual({ code: -32603, message: "Internal error" })
    expect(answer.text).not.toContain("middleware bug")
    await stillServing()
  })
})

describe("bounds and defects on stdio (in process)", () => {
  const serveStdio = (options: Partial<Stdio.Options>) => {
    const stdin = new PassThrough()
    const stdout = new PassThrough()
    const lines: Array<any> = []
    let buffer = ""
    stdout.setEncoding("utf8")
    stdout.on("data", (chunk: string) => {
      buffer += chunk
      let newline = buffer.indexOf("\n")
      while (newline >= 0) {
        lines.push(JSON.parse(buffer.slice(0, newline)))
        buffer = buffer.slice(newline + 1)
        newline = buffer.indexOf("\n")
      }
    })
    const stdio = ManagedRuntime.make(
      Stdio.layer({ stdin, stdout, ...options }).pipe(
        Layer.provide(Definitions),
        Layer.provide(McpServer.layer({ name: "hostile-stdio", version: "1.0.0" })),
        Layer.provide(CapturingLogger)
      )
    )
    const next = async (count: number) => {
      const started = Date.now()
      while (lines.length < count) {
        if (Date.now() - started > 10_000) throw new Error(`stdio: waited for ${count} lines, got ${lines.length}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return lines.splice(0, count)
    }
    return { stdin, next, ready: stdio.runPromise(Effect.void), dispose: () => stdio.dispose() }
  }

  it("an overlong line is -32600 and the next line is served; a deep line is -32600; a defect is -32603", async () => {
    const stdio = serveStdio({ maxLineLength: 1_000 })
    await stdio.ready
    const call = (id: number, name: string, args: string) =>
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":${args},"_meta":${
        JSON.stringify(modernMeta)
      }}}\n`
    // An overlong line arrives in pieces, and the next line right after it in the same chunk.
    const head = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${"p".repeat(600)}`
    const tail = `${"p".repeat(600)}"}}`
    stdio.stdin.write(head)
    stdio.stdin.write(`${tail}\n${call(2, "echo", `{"text":"after"}`)}`)
    const [overlong, after] = await stdio.next(2)
    expect(overlong).toEqual({
      jsonrpc: "2.0",
      error: { code: -32600, message: `Invalid Request: a line of ${head.length + tail.length} characters exceeds the limit of 1000` }
    })
    expect(after.id).toBe(2)
    expect(after.result.content[0].text).toBe("after")
    stdio.stdin.write(call(3, "echo", `{"text":${deepArray(100)}}`))
    const [deep] = await stdio.next(1)
    expect(deep).toEqual({
      jsonrpc: "2.0",
      id: 3,
      error: { code: -32600, message: "Invalid Request: the message nests deeper than 64 levels" }
    })
    stdio.stdin.write(call(4, "unserializable", "{}"))
    stdio.stdin.write(call(5, "boom", "{}"))
    stdio.stdin.write(call(6, "echo", `{"text":"last"}`))
    const answers = await stdio.next(3)
    const byId = new Map(answers.map((a) => [a.id, a]))
    expect(byId.get(4).error).toEqual({ code: -32603, message: "Internal error" })
    expect(byId.get(5).error).toEqual({ code: -32603, message: "Internal error" })
    expect(byId.get(6).result.content[0].text).toBe("last")
    stdio.stdin.end()
    await stdio.dispose()
  })

  it("shutdown waits drainTimeout, then interrupts what is left and answers it -32000", async () => {
    const stdio = serveStdio({ drainTimeout: "200 millis" })
    await stdio.ready
    stdio.stdin.write(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"stuck","arguments":{},"_meta":${
      JSON.stringify(modernMeta)
    }}}\n`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    logs.length = 0
    const started = Date.now()
    await stdio.dispose()
    expect(Date.now() - started).toBeLessThan(5_000)
    const [answer] = await stdio.next(1)
    expect(answer).toEqual({
      jsonrpc: "2.0",
      id: 9,
      error: { code: -32000, message: "Service Unavailable: the server shut down before the request finished" }
    })
    expect(logs.some((l) => l.message.includes("interrupting 1 request(s)"))).toBe(true)
  })
})

describe("the demo server, as a user runs it", () => {
  it("HTTP: one POST with a 100,000-level nested argument gets -32600 and the process keeps serving", async () => {
    const port = await freePort()
    const child = spawnTs(DEMO_HTTP, { PORT: String(port), HOST: "127.0.0.1" })
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, 100_000, child)
      const target = `http://127.0.0.1:${port}/mcp`
      const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":${
        deepArray(100_000)
      }},"_meta":${JSON.stringify(modernMeta)}}}`
      const answer = await rawRequest(target, { headers: modernHeaders("tools/call", "echo"), body })
      expect(answer.status).toBe(400)
      expect(answer.json.error.code).toBe(-32600)
      const ok = await rawRequest(target, {
        headers: modernHeaders("tools/call", "echo"),
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "echo", arguments: { text: "alive" }, _meta: modernMeta }
        })
      })
      expect(ok.json.result.content[0].text).toBe("alive")
      expect(child.process.exitCode).toBeNull()
    } finally {
      await child.stop()
    }
  }, 120_000)

  it("stdio: the same line gets -32600 and the next line is answered", async () => {
    const client = spawnStdio()
    try {
      const pong = await client.request("ready", "ping", undefined, 100_000)
      expect(pong.result).toEqual({})
      client.sendLine(
        `{"jsonrpc":"2.0","id":"deep","method":"tools/call","params":{"name":"echo","arguments":{"text":${
          deepArray(100_000)
        }},"_meta":${JSON.stringify(modernMeta)}}}`
      )
      const deep = await client.next((m) => m.id === "deep", 20_000)
      expect(deep.error.code).toBe(-32600)
      const after = await client.request("after", "ping", undefined, 20_000)
      expect(after.result).toEqual({})
    } finally {
      await client.child.stop()
    }
  }, 120_000)
})

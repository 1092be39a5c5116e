// The demo server on stdio, driven by the official MCP SDK client and by raw JSON lines.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type JSONRPCMessage,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ToolListChangedNotificationSchema
} from "@modelcontextprotocol/sdk/types.js"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { baseEnv, delay, DEMO_STDIO, type LineClient, nodeCommand, ROOT, spawnStdio, withTimeout, type Wire } from "../utils/process.js"

// Start-up of a child (tsx + effect) takes seconds on a busy 2-core machine.
const STARTUP_MS = 100_000
const RAW_REVISIONS = ["2024-11-05", "2025-03-26", "2025-06-18"] as const

const initializeParams = (protocolVersion: string, capabilities: Record<string, unknown> = {}) => ({
  protocolVersion,
  capabilities,
  clientInfo: { name: "raw-stdio-test", version: "0.0.1" }
})

/** Waits until the child answers a ping (ping is allowed before initialize). */
const ready = async (client: LineClient) => {
  const pong = await client.request("ready", "ping", undefined, STARTUP_MS)
  expect(pong).toEqual({ jsonrpc: "2.0", id: "ready", result: {} })
}

// Every process this file starts, started together so their start-up overlaps.
const matrix = new Map<string, LineClient>()
let robustness: LineClient
let sdkTransport: StdioClientTransport | undefined
let sdk: {
  client: Client
  transport: StdioClientTransport
  inbound: Array<JSONRPCMessage>
  outbound: Array<JSONRPCMessage>
  logs: Array<{ level: string; data: unknown }>
  elicitations: Array<Record<string, any>>
  samplings: Array<Record<string, any>>
  toolListChanged: number
}

const connectSdk = async () => {
  const logs: Array<{ level: string; data: unknown }> = []
  const elicitations: Array<Record<string, any>> = []
  const samplings: Array<Record<string, any>> = []
  const client = new Client(
    { name: "sdk-stdio-test", version: "0.0.1" },
    { capabilities: { elicitation: {}, sampling: {}, roots: { listChanged: true } } }
  )
  const state = { toolListChanged: 0 }
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    elicitations.push(request.params)
    return { action: "accept", content: { value: "Ada" } }
  })
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    samplings.push(request.params)
    return { role: "assistant", content: { type: "text", text: "A short summary." }, model: "test-model", stopReason: "endTurn" }
  })
  client.setRequestHandler(ListRootsRequestSchema, async () => ({
    roots: [{ uri: "file:///work", name: "work" }, { uri: "file:///tmp" }]
  }))
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    logs.push({ level: notification.params.level, data: notification.params.data })
  })
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    state.toolListChanged++
  })
  const { args, command } = nodeCommand(DEMO_STDIO)
  const transport = new StdioClientTransport({ command, args, cwd: ROOT, env: baseEnv(), stderr: "pipe" })
  sdkTransport = transport
  await withTimeout(client.connect(transport), STARTUP_MS, "the SDK client to connect")
  // Record the raw traffic (the protocol layer reads these properties on every message).
  const inbound: Array<JSONRPCMessage> = []
  const outbound: Array<JSONRPCMessage> = []
  const onmessage = transport.onmessage!
  transport.onmessage = (message) => {
    inbound.push(message)
    onmessage(message)
  }
  const send = transport.send.bind(transport)
  transport.send = (message: JSONRPCMessage) => {
    outbound.push(message)
    return send(message)
  }
  sdk = {
    client,
    transport,
    inbound,
    outbound,
    logs,
    elicitations,
    samplings,
    get toolListChanged() {
      return state.toolListChanged
    }
  }
}

beforeAll(async () => {
  for (const version of RAW_REVISIONS) matrix.set(version, spawnStdio())
  robustness = spawnStdio()
  await Promise.all([...[...matrix.values(), robustness].map(ready), connectSdk()])
}, STARTUP_MS + 10_000)

afterAll(async () => {
  await sdk?.client.close().catch(() => undefined)
  // Ends the SDK transport's child even when connect never finished.
  await sdkTransport?.close().catch(() => undefined)
  await Promise.all([...matrix.values(), robustness].filter((c) => c !== undefined).map((c) => c.child.stop()))

})

describe("stdio: the SDK client", () => {
  it("initializes with 2025-11-25 and reads the server's identity", () => {
    expect(sdk.client.getServerVersion()).toEqual({ name: "turbomcp-demo", version: "0.1.0" })
    const capabilities = sdk.client.getServerCapabilities()!
    expect(capabilities.tools).toEqual({ listChanged: true })
    expect(capabilities.resources).toEqual({ subscribe: true, listChanged: true })
    expect(capabilities.prompts).toEqual({ listChanged: true })
    expect(capabilities.logging).toEqual({})
    expect(capabilities.completions).toEqual({})
    expect(sdk.client.getInstructions()).toBe("A demo of TurboMCP Server for Effect.")
  })

  it("ping", async () => {
    expect(await sdk.client.ping()).toEqual({})
  })

  it("lists the demo tools", async () => {
    const { nextCursor, tools } = await sdk.client.listTools()
    expect(nextCursor).toBeUndefined()
    expect(tools.map((t) => t.name)).toEqual(["echo", "add", "sleep", "ask", "summarize", "roots", "log", "add_tool"])
    const echo = tools.find((t) => t.name === "echo")!
    expect(echo.inputSchema).toMatchObject({
      type: "object",
      required: ["text"],
      properties: { text: { type: "string", description: "Text to echo" } }
    })
    expect(echo.annotations).toEqual({ readOnlyHint: true })
    const add = tools.find((t) => t.name === "add")!
    expect(add.title).toBe("Add")
    expect(add.outputSchema).toMatchObject({ type: "object", properties: { result: { type: "number" } }, required: ["result"] })
    expect(tools.find((t) => t.name === "roots")!.inputSchema).toEqual({ type: "object", properties: {} })
  })

  it("calls a tool", async () => {
    const result = await sdk.client.callTool({ name: "echo", arguments: { text: "hello, stdio" } })
    expect(result).toEqual({ content: [{ type: "text", text: "hello, stdio" }] })
  })

  it("structured output is validated by the client against the output schema", async () => {
    const result = await sdk.client.callTool({ name: "add", arguments: { a: 2, b: 40 } })
    expect(result.structuredContent).toEqual({ result: 42 })
    expect(JSON.parse((result.content as Array<{ text: string }>)[0]!.text)).toEqual({ result: 42 })
    expect(result.isError).toBeFalsy()
  })

  it("invalid arguments are a tool error the model can read (2025-11-25)", async () => {
    const result = await sdk.client.callTool({ name: "add", arguments: { a: 1, b: "two" } })
    expect(result.isError).toBe(true)
    expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(/b/)
    const missing = await sdk.client.callTool({ name: "echo", arguments: {} })
    expect(missing.isError).toBe(true)
  })

  it("an unknown tool is a protocol error -32602", async () => {
    const error = await sdk.client.callTool({ name: "no_such_tool", arguments: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).code).toBe(-32602)
  })

  it("resources: list, read, templates, read through a template, not found", async () => {
    const { resources } = await sdk.client.listResources()
    expect(resources).toEqual([{
      uri: "demo://readme",
      name: "readme",
      title: "Read me",
      description: "What this server is",
      mimeType: "text/markdown"
    }])
    const readme = await sdk.client.readResource({ uri: "demo://readme" })
    expect(readme.contents).toHaveLength(1)
    expect(readme.contents[0]).toMatchObject({ uri: "demo://readme", mimeType: "text/markdown" })
    expect((readme.contents[0] as { text: string }).text).toMatch(/^# TurboMCP demo/)

    const { resourceTemplates } = await sdk.client.listResourceTemplates()
    expect(resourceTemplates).toEqual([{
      uriTemplate: "demo://colors/{name}",
      name: "color",
      description: "A color by name",
      mimeType: "application/json"
    }])
    const red = await sdk.client.readResource({ uri: "demo://colors/red" })
    expect(JSON.parse((red.contents[0] as { text: string }).text)).toEqual({ name: "red", known: true })
    const mauve = await sdk.client.readResource({ uri: "demo://colors/mauve" })
    expect(JSON.parse((mauve.contents[0] as { text: string }).text)).toEqual({ name: "mauve", known: false })

    const missing = await sdk.client.readResource({ uri: "demo://nothing-here" }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(McpError)
    expect((missing as McpError).code).toBe(-32002)
  })

  it("resources: subscribe and unsubscribe", async () => {
    expect(await sdk.client.subscribeResource({ uri: "demo://readme" })).toEqual({})
    expect(await sdk.client.unsubscribeResource({ uri: "demo://readme" })).toEqual({})
  })

  it("prompts: list and get; a missing required argument is -32602", async () => {
    const { prompts } = await sdk.client.listPrompts()
    expect(prompts).toEqual([{
      name: "review",
      title: "Code review",
      description: "Review code in a language",
      arguments: [
        { name: "language", description: "Programming language", required: true },
        { name: "code", description: "The code", required: false }
      ]
    }])
    const prompt = await sdk.client.getPrompt({ name: "review", arguments: { language: "go", code: "x := 1" } })
    expect(prompt.messages).toEqual([{ role: "user", content: { type: "text", text: "Review this go code:\nx := 1" } }])
    const missing = await sdk.client.getPrompt({ name: "review", arguments: {} }).catch((e: unknown) => e)
    expect((missing as McpError).code).toBe(-32602)
  })

  it("completion for a prompt argument and a template variable", async () => {
    const language = await sdk.client.complete({ ref: { type: "ref/prompt", name: "review" }, argument: { name: "language", value: "py" } })
    expect(language.completion).toEqual({ values: ["python"], total: 1, hasMore: false })
    const color = await sdk.client.complete({
      ref: { type: "ref/resource", uri: "demo://colors/{name}" },
      argument: { name: "name", value: "b" }
    })
    expect(color.completion.values).toEqual(["blue", "black"])
  })

  it("logging/setLevel filters the logs the client receives", async () => {
    await sdk.client.setLoggingLevel("warning")
    expect(await sdk.client.callTool({ name: "log", arguments: { message: "first" } })).toEqual({
      content: [{ type: "text", text: "logged" }]
    })
    await vi.waitFor(() => expect(sdk.logs.filter((l) => String(l.data).endsWith("first"))).toHaveLength(2))
    expect(sdk.logs.filter((l) => String(l.data).endsWith("first"))).toEqual([
      { level: "warning", data: "warning: first" },
      { level: "error", data: "error: first" }
    ])
    await sdk.client.setLoggingLevel("debug")
    await sdk.client.callTool({ name: "log", arguments: { message: "second" } })
    await vi.waitFor(() => expect(sdk.logs.filter((l) => String(l.data).endsWith("second"))).toHaveLength(4))
    expect(sdk.logs.filter((l) => String(l.data).endsWith("second")).map((l) => l.level)).toEqual(["debug", "info", "warning", "error"])
  })

  it("progress notifications reach onprogress, in order, before the result", async () => {
    const progress: Array<{ progress: number; total?: number | undefined; message?: string | undefined }> = []
    const result = await sdk.client.callTool({ name: "sleep", arguments: { ms: 350 } }, undefined, {
      onprogress: (p) => void progress.push(p)
    })
    expect(result).toEqual({ content: [{ type: "text", text: "slept 350 ms" }] })
    // On the wire: four progress notifications with the request's token, then the response.
    const request = [...sdk.outbound].reverse().find((m) => "method" in m && m.method === "tools/call") as {
      id: number
      params: { _meta: { progressToken: number } }
    }
    const token = request.params._meta.progressToken
    const related = sdk.inbound.filter((m) =>
      ("id" in m && m.id === request.id) ||
      ("method" in m && m.method === "notifications/progress" && (m.params as any).progressToken === token)
    ) as Array<Wire>
    expect(related.map((m) => m.params?.progress ?? "response")).toEqual([1, 2, 3, 4, "response"])
    expect(related.slice(0, 4).every((m) => m.params.total === 4)).toBe(true)
    expect(related[3]!.params.message).toBe("slept 350 ms")
    // The SDK handles a notification a microtask after reading it and a response at once: the
    // result goes out in a later write than its progress, so onprogress sees every one.
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4])
  })

  it("cancelling a slow tool: no response for it, no more progress, the server keeps serving", async () => {
    const controller = new AbortController()
    let seen = 0
    const call = sdk.client.callTool({ name: "sleep", arguments: { ms: 800 } }, undefined, {
      signal: controller.signal,
      onprogress: () => {
        seen++
        if (seen === 1) controller.abort("user pressed stop")
      }
    })
    await expect(call).rejects.toThrow()
    const request = sdk.outbound.find((m) =>
      "method" in m && m.method === "tools/call" && (m.params as any)?.arguments?.ms === 800
    ) as { id: number; params: { _meta: { progressToken: number } } }
    expect(request).toBeDefined()
    const cancelled = sdk.outbound.find((m) => "method" in m && m.method === "notifications/cancelled")
    expect(cancelled).toMatchObject({ params: { requestId: request.id } })

    // stdin is read in order: once this answer is back, the cancellation has been handled.
    expect(await sdk.client.callTool({ name: "echo", arguments: { text: "still serving" } })).toEqual({
      content: [{ type: "text", text: "still serving" }]
    })
    const token = request.params._meta.progressToken
    const progressFor = () =>
      sdk.inbound.filter((m) => "method" in m && m.method === "notifications/progress" && (m.params as any).progressToken === token)
    const progressAtCancel = progressFor().length
    // Uncancelled, the sleep would report progress every 100 ms and answer after 800 ms.
    await delay(1_200)
    expect(sdk.inbound.filter((m) => "id" in m && m.id === request.id && !("method" in m))).toEqual([])
    expect(progressFor().length).toBeLessThanOrEqual(progressAtCancel + 1)
    expect(progressFor().length).toBeLessThan(8)
  })

  it("answers an elicitation request", async () => {
    const result = await sdk.client.callTool({ name: "ask", arguments: { question: "Your name?" } })
    expect(result).toEqual({ content: [{ type: "text", text: "You said: Ada" }] })
    expect(sdk.elicitations).toHaveLength(1)
    expect(sdk.elicitations[0]).toMatchObject({
      mode: "form",
      message: "Your name?",
      requestedSchema: { type: "object", properties: { value: { type: "string", description: "Your answer" } }, required: ["value"] }
    })
  })

  it("answers a sampling request", async () => {
    const result = await sdk.client.callTool({ name: "summarize", arguments: { text: "a very long text" } })
    expect(result).toEqual({ content: [{ type: "text", text: "A short summary." }] })
    expect(sdk.samplings[0]).toMatchObject({
      maxTokens: 100,
      messages: [{ role: "user", content: { type: "text", text: "Summarize: a very long text" } }]
    })
  })

  it("lists the client's roots", async () => {
    const result = await sdk.client.callTool({ name: "roots", arguments: {} })
    expect(result).toEqual({ content: [{ type: "text", text: "file:///work\nfile:///tmp" }] })
  })

  it("a tool registered at run time is announced with tools/list_changed, listed and callable", async () => {
    expect(sdk.toolListChanged).toBe(0)
    const added = await sdk.client.callTool({ name: "add_tool", arguments: {} })
    expect(added).toEqual({ content: [{ type: "text", text: "greet registered" }] })
    await vi.waitFor(() => expect(sdk.toolListChanged).toBe(1), { timeout: 5_000 })
    const { tools } = await sdk.client.listTools()
    expect(tools.map((t) => t.name)).toContain("greet")
    expect(await sdk.client.callTool({ name: "greet", arguments: { name: "Ada" } })).toEqual({
      content: [{ type: "text", text: "Hello, Ada!" }]
    })
  })

  it("stdout carried only MCP messages", () => {
    for (const message of sdk.inbound) expect(message).toHaveProperty("jsonrpc", "2.0")
  })
})

/**
 * What differs between revisions, checked on an initialized raw session: feature gates in
 * tools/list and tools/call, the answer to bad arguments, and batches (2025-03-26 only).
 */
const revisionChecks = async (client: LineClient, version: string) => {
  const list = await client.request(`${version}-list`, "tools/list", {})
  const tools: Array<Wire> = list.result.tools
  const add = tools.find((t) => t.name === "add")!
  const echo = tools.find((t) => t.name === "echo")!
  expect(add.outputSchema !== undefined).toBe(version >= "2025-06-18")
  expect(add.title !== undefined).toBe(version >= "2025-06-18")
  expect(echo.annotations !== undefined).toBe(version >= "2025-03-26")

  const sum = await client.request(`${version}-add`, "tools/call", { name: "add", arguments: { a: 1, b: 2 } })
  expect(JSON.parse(sum.result.content[0].text)).toEqual({ result: 3 })
  expect(sum.result.structuredContent !== undefined).toBe(version >= "2025-06-18")

  const bad = await client.request(`${version}-bad`, "tools/call", { name: "add", arguments: { a: 1, b: "x" } })
  if (version === "2025-11-25") expect(bad.result.isError).toBe(true)
  else expect(bad.error.code).toBe(-32602)

  // A batch: accepted in 2025-03-26 and answered once, as one array; an invalid request elsewhere.
  const arraysBefore = client.messages.filter((m) => Array.isArray(m)).length
  client.sendLine(JSON.stringify([
    { jsonrpc: "2.0", id: `${version}-b1`, method: "ping" },
    { jsonrpc: "2.0", id: `${version}-b2`, method: "tools/call", params: { name: "echo", arguments: { text: "in a batch" } } },
    { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: "x", progress: 1 } }
  ]))
  if (version === "2025-03-26") {
    const answer = (await client.next((m) => Array.isArray(m))) as unknown as Array<Wire>
    const byId = Object.fromEntries(answer.map((r) => [r.id, r]))
    expect(byId[`${version}-b1`]).toEqual({ jsonrpc: "2.0", id: `${version}-b1`, result: {} })
    expect(byId[`${version}-b2`]?.result.content[0].text).toBe("in a batch")
    expect(answer).toHaveLength(2)
  } else {
    const answer = await client.next((m) => !Array.isArray(m) && m.error !== undefined && m.id === undefined)
    expect(answer.error.code).toBe(-32600)
  }
  expect((await client.request(`${version}-ping`, "ping")).result).toEqual({})
  const arrays = client.messages.filter((m) => Array.isArray(m)).length - arraysBefore
  expect(arrays, "a batch is answered exactly once").toBe(version === "2025-03-26" ? 1 : 0)
}

describe("stdio: each legacy revision (raw JSON lines)", () => {
  // 2025-11-25 is what the SDK client negotiates above; the raw checks for it run on the
  // session of the lifecycle tests below (initialized with an unknown revision).
  it.each(RAW_REVISIONS)("%s: negotiated, features gated, batches only where allowed, clean exit on EOF", async (version) => {
    const client = matrix.get(version)!
    const init = await client.request("init", "initialize", initializeParams(version))
    expect(init.result.protocolVersion).toBe(version)
    expect(init.result.serverInfo).toMatchObject({ name: "turbomcp-demo", version: "0.1.0" })
    expect(init.result.capabilities.completions !== undefined).toBe(version >= "2025-03-26")
    client.send({ jsonrpc: "2.0", method: "notifications/initialized" })
    await revisionChecks(client, version)
    client.endInput()
    expect(await withTimeout(client.child.exited, 15_000, "the server to exit")).toEqual({ code: 0, signal: null })
    for (const id of ["init", `${version}-list`, `${version}-add`, `${version}-bad`, `${version}-ping`]) {
      expect(client.messages.filter((m) => m.id === id), `one answer to ${id}`).toHaveLength(1)
    }
    expect(client.garbage).toEqual([])
  })
})

describe("stdio: lifecycle and bad input (raw JSON lines)", () => {
  it("requests before initialize are rejected; ping always works", async () => {
    const before = await robustness.request(1, "tools/list", {})
    expect(before.error.code).toBe(-32600)
    expect((await robustness.request(2, "ping")).result).toEqual({})
    // An unknown revision is answered with the latest one.
    const init = await robustness.request(3, "initialize", initializeParams("1999-01-01"))
    expect(init.result.protocolVersion).toBe("2025-11-25")
    // Between the initialize response and notifications/initialized requests are allowed.
    expect((await robustness.request(4, "tools/list", {})).result.tools.length).toBeGreaterThan(0)
    robustness.send({ jsonrpc: "2.0", method: "notifications/initialized" })
    const again = await robustness.request(5, "initialize", initializeParams("2025-06-18"))
    expect(again.error.code).toBe(-32600)
  })

  it("2025-11-25 (raw): features gated, bad arguments are tool errors, batches rejected", async () => {
    await revisionChecks(robustness, "2025-11-25")
  })

  // Each bad line, the code it must get, and the id the error must carry (undefined: none).
  const badLines: ReadonlyArray<readonly [string, string, number, number | string | undefined]> = [
    ["malformed JSON", `{"jsonrpc":"2.0","id":100,"method":"ping"`, -32700, undefined],
    ["not JSON", `hello there`, -32700, undefined],
    ["a JSON number", `42`, -32600, undefined],
    ["an empty batch", `[]`, -32600, undefined],
    ["a null id", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, -32600, undefined],
    ["an oversized id", JSON.stringify({ jsonrpc: "2.0", id: "x".repeat(100_000), method: "ping" }), -32600, undefined],
    ["a fractional id", `{"jsonrpc":"2.0","id":1.5,"method":"ping"}`, -32600, undefined],
    ["a wrong jsonrpc version", `{"jsonrpc":"1.0","id":101,"method":"ping"}`, -32600, 101],
    ["a missing method", `{"jsonrpc":"2.0","id":102}`, -32600, 102],
    ["a non-string method", `{"jsonrpc":"2.0","id":103,"method":7}`, -32600, 103],
    ["non-object params", `{"jsonrpc":"2.0","id":104,"method":"ping","params":"x"}`, -32600, 104],
    ["an unknown method", `{"jsonrpc":"2.0","id":105,"method":"tools/explode"}`, -32601, 105],
    ["missing params", `{"jsonrpc":"2.0","id":106,"method":"tools/call"}`, -32602, 106],
    ["wrongly typed params", `{"jsonrpc":"2.0","id":107,"method":"tools/call","params":{"name":5}}`, -32602, 107],
    ["an unknown tool", `{"jsonrpc":"2.0","id":108,"method":"tools/call","params":{"name":"nope"}}`, -32602, 108],
    ["an invalid log level", `{"jsonrpc":"2.0","id":109,"method":"logging/setLevel","params":{"level":"loud"}}`, -32602, 109],
    ["an invalid cursor", `{"jsonrpc":"2.0","id":110,"method":"tools/list","params":{"cursor":"bogus"}}`, -32602, 110],
    ["an unknown resource", `{"jsonrpc":"2.0","id":111,"method":"resources/read","params":{"uri":"demo://x"}}`, -32002, 111],
    ["a batch on 2025-11-25", `[{"jsonrpc":"2.0","id":112,"method":"ping"}]`, -32600, undefined]
  ]

  it.each(badLines)("%s gets its error and the server keeps serving", async (_name, line, code, id) => {
    robustness.sendLine(line)
    const answer = await robustness.next()
    expect(answer.jsonrpc).toBe("2.0")
    expect(answer.error.code).toBe(code)
    expect(typeof answer.error.message).toBe("string")
    if (id === undefined) expect(answer).not.toHaveProperty("id")
    else expect(answer.id).toBe(id)
    expect((await robustness.request(`after-${code}-${id}`, "ping")).result).toEqual({})
  })

  it("notifications get no answer, even unknown or malformed ones", async () => {
    robustness.send({ jsonrpc: "2.0", method: "notifications/unknown" })
    robustness.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "never-sent" } })
    robustness.sendLine("")
    robustness.sendLine("   ")
    const pong = await robustness.request("after-notifications", "ping")
    expect(pong.result).toEqual({})
    // Nothing was written for the notifications and blank lines: the pong follows the previous answer.
    const index = robustness.messages.indexOf(pong)
    expect(robustness.messages[index - 1]?.id).toBeDefined()
  })

  it("concurrent requests are served concurrently", async () => {
    const started = Date.now()
    robustness.send({ jsonrpc: "2.0", id: "slow", method: "tools/call", params: { name: "sleep", arguments: { ms: 600 } } })
    const fast = await robustness.request("fast", "tools/call", { name: "echo", arguments: { text: "first" } })
    expect(fast.result.content[0].text).toBe("first")
    const slow = await robustness.next((m) => m.id === "slow")
    expect(slow.result.content[0].text).toBe("slept 600 ms")
    expect(robustness.messages.indexOf(fast)).toBeLessThan(robustness.messages.indexOf(slow))
    expect(Date.now() - started).toBeGreaterThanOrEqual(550)
  })

  it("EOF: in-flight requests finish, then the process exits 0", async () => {
    robustness.send({ jsonrpc: "2.0", id: "last", method: "tools/call", params: { name: "sleep", arguments: { ms: 300 } } })
    robustness.endInput()
    const last = await robustness.next((m) => m.id === "last")
    expect(last.result.content[0].text).toBe("slept 300 ms")
    expect(await withTimeout(robustness.child.exited, 15_000, "the server to exit")).toEqual({ code: 0, signal: null })
    expect(robustness.garbage).toEqual([])
  })
})

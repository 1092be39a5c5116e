// The demo server on Streamable HTTP, driven by the official MCP SDK client and by raw requests.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ToolListChangedNotificationSchema
} from "@modelcontextprotocol/sdk/types.js"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { postHeaders, rawRequest, sseReader } from "../utils/http.js"
import { type Child, delay, DEMO_HTTP, freePort, spawnTs, waitForHttp, withTimeout, type Wire } from "../utils/process.js"

// Start-up of a child (tsx + effect) takes seconds on a busy 2-core machine.
const STARTUP_MS = 100_000

interface Running {
  readonly child: Child
  readonly port: number
  readonly url: string
}

const start = async (env: Record<string, string> = {}): Promise<Running> => {
  const port = await freePort()
  const child = spawnTs(DEMO_HTTP, { PORT: String(port), HOST: "127.0.0.1", ...env })
  await waitForHttp(`http://127.0.0.1:${port}/`, STARTUP_MS, child)
  return { child, port, url: `http://127.0.0.1:${port}/mcp` }
}

let stateful: Running
let stateless: Running

beforeAll(async () => {
  ;[stateful, stateless] = await Promise.all([start(), start({ MCP_STATELESS: "1" })])
}, STARTUP_MS + 10_000)

afterAll(async () => {
  await Promise.all([stateful?.child.stop(), stateless?.child.stop()])
})

// --- helpers ----------------------------------------------------------------------------------

interface Exchange {
  readonly method: string
  readonly sessionId: string | null
  readonly status: number
  readonly body: string | undefined
}

interface Connected {
  readonly client: Client
  readonly transport: StreamableHTTPClientTransport
  readonly exchanges: Array<Exchange>
  readonly logs: Array<{ level: string; data: unknown }>
  readonly elicitations: Array<Record<string, any>>
  readonly listChanged: { count: number }
}

const connect = async (url: string, options: { readonly capabilities?: Record<string, unknown>; readonly elicitAnswer?: string } = {}) => {
  const exchanges: Array<Exchange> = []
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init)
    const headers = new Headers(init?.headers)
    exchanges.push({
      method: init?.method ?? "GET",
      sessionId: headers.get("mcp-session-id"),
      status: response.status,
      body: typeof init?.body === "string" ? init.body : undefined
    })
    return response
  }
  const client = new Client({ name: "sdk-http-test", version: "0.0.1" }, { capabilities: options.capabilities ?? {} })
  const logs: Array<{ level: string; data: unknown }> = []
  const elicitations: Array<Record<string, any>> = []
  const listChanged = { count: 0 }
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push({ level: n.params.level, data: n.params.data }))
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged.count++)
  if (options.capabilities?.elicitation !== undefined) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicitations.push(request.params)
      return options.elicitAnswer === undefined
        ? { action: "decline" }
        : { action: "accept", content: { value: options.elicitAnswer } }
    })
  }
  if (options.capabilities?.sampling !== undefined) {
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: "assistant",
      content: { type: "text", text: "summary over http" },
      model: "test-model"
    }))
  }
  if (options.capabilities?.roots !== undefined) {
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: "file:///srv", name: "srv" }] }))
  }
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch })
  await client.connect(transport)
  return { client, transport, exchanges, logs, elicitations, listChanged } satisfies Connected
}

const text = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]!.text)

/** Reads every JSON-RPC message of a response, JSON or SSE (until the stream ends). */
const messagesOf = async (response: Response): Promise<Array<Wire>> => {
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const reader = sseReader(response)
    const out: Array<Wire> = []
    for (let event = await reader.next(); event !== undefined; event = await reader.next()) {
      if (event.data !== "") out.push(JSON.parse(event.data))
    }
    return out
  }
  const body = await response.text()
  return body === "" ? [] : [JSON.parse(body)]
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(url, {
    method: "POST",
    headers: postHeaders(headers),
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal })
  })

/** A raw legacy session: initialize + notifications/initialized; returns its headers. */
const rawSession = async (url: string, protocolVersion = "2025-11-25") => {
  const init = await post(url, {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw-http-test", version: "0.0.1" } }
  })
  expect(init.status).toBe(200)
  const sessionId = init.headers.get("mcp-session-id")
  expect(sessionId).toBeTruthy()
  const [response] = await messagesOf(init)
  expect(response!.result.protocolVersion).toBe(protocolVersion)
  const headers = { "mcp-session-id": sessionId!, "mcp-protocol-version": protocolVersion }
  const initialized = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, headers)
  expect(initialized.status).toBe(202)
  return { sessionId: sessionId!, headers }
}

/** An HTTP-level error body: JSON-RPC, with the request's id when it could be read (here 1), else none. */
const expectJsonRpcError = (body: any, code?: number) => {
  expect(body, "a JSON-RPC error body").toBeDefined()
  expect(body.jsonrpc).toBe("2.0")
  expect(Number.isInteger(body.error?.code)).toBe(true)
  expect(body.error.code).toBeLessThan(0)
  expect(typeof body.error.message).toBe("string")
  expect([null, 1]).toContain(body.id ?? null)
  if (code !== undefined) expect(body.error.code).toBe(code)
}

// --- tests ------------------------------------------------------------------------------------

describe("HTTP: sessions with the SDK client", () => {
  it("create, reuse, delete; 404 after delete", async () => {
    const { client, exchanges, transport } = await connect(stateful.url)
    const sessionId = transport.sessionId
    expect(sessionId).toMatch(/^[\x21-\x7E]{16,}$/)
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo")
    expect(text(await client.callTool({ name: "echo", arguments: { text: "over http" } }))).toBe("over http")
    expect(await client.ping()).toEqual({})

    const posts = exchanges.filter((e) => e.method === "POST")
    expect(posts[0]!.body).toContain("\"initialize\"")
    expect(posts[0]!.sessionId).toBeNull()
    expect(posts.length).toBeGreaterThanOrEqual(5)
    for (const e of posts.slice(1)) expect(e.sessionId, `${e.body} reuses the session`).toBe(sessionId)
    expect(posts.every((e) => e.status === 200 || e.status === 202)).toBe(true)

    await transport.terminateSession()
    const del = exchanges.find((e) => e.method === "DELETE")!
    expect(del.sessionId).toBe(sessionId)
    expect(del.status).toBe(200)

    const after = await rawRequest(stateful.url, {
      headers: postHeaders({ "mcp-session-id": sessionId!, "mcp-protocol-version": "2025-11-25" }),
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" })
    })
    expect(after.status).toBe(404)
    expectJsonRpcError(after.json)
    const again = await rawRequest(stateful.url, { method: "DELETE", headers: { "mcp-session-id": sessionId! } })
    expect(again.status).toBe(404)
    const get = await rawRequest(stateful.url, { method: "GET", headers: { accept: "text/event-stream", "mcp-session-id": sessionId! } })
    expect(get.status).toBe(404)
    await client.close()

    const next = await connect(stateful.url)
    expect(next.transport.sessionId).toBeDefined()
    expect(next.transport.sessionId).not.toBe(sessionId)
    await next.client.close()
  })

  it("two concurrent sessions are isolated", async () => {
    const [a, b] = await Promise.all([connect(stateful.url), connect(stateful.url)])
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId)
    await Promise.all([a.client.setLoggingLevel("error"), b.client.setLoggingLevel("debug")])
    const progressA: Array<number> = []
    const progressB: Array<number> = []
    const [logA, logB, sleepA, sleepB] = await Promise.all([
      a.client.callTool({ name: "log", arguments: { message: "from-a" } }),
      b.client.callTool({ name: "log", arguments: { message: "from-b" } }),
      a.client.callTool({ name: "sleep", arguments: { ms: 300 } }, undefined, { onprogress: (p) => void progressA.push(p.progress) }),
      b.client.callTool({ name: "sleep", arguments: { ms: 500 } }, undefined, { onprogress: (p) => void progressB.push(p.progress) })
    ])
    expect([text(logA), text(logB)]).toEqual(["logged", "logged"])
    expect([text(sleepA), text(sleepB)]).toEqual(["slept 300 ms", "slept 500 ms"])
    await vi.waitFor(() => expect(b.logs).toHaveLength(4))
    await delay(100)
    expect(a.logs).toEqual([{ level: "error", data: "error: from-a" }])
    expect(b.logs.map((l) => l.data)).toEqual(["debug: from-b", "info: from-b", "warning: from-b", "error: from-b"])
    // Each sees only its own progress (A's call had 3 steps, B's 5; the last may race the result).
    expect(progressA.length).toBeGreaterThanOrEqual(2)
    expect(progressA.every((p) => p <= 3)).toBe(true)
    expect(progressB.length).toBeGreaterThanOrEqual(4)
    expect(progressB).toEqual([1, 2, 3, 4, 5].slice(0, progressB.length))
    await Promise.all([a.client.close(), b.client.close()])
  })

  it("server-initiated elicitation, sampling and roots travel over HTTP", async () => {
    const { client, elicitations } = await connect(stateful.url, {
      capabilities: { elicitation: {}, sampling: {}, roots: {} },
      elicitAnswer: "Grace"
    })
    expect(text(await client.callTool({ name: "ask", arguments: { question: "Name, please?" } }))).toBe("You said: Grace")
    expect(elicitations).toHaveLength(1)
    expect(elicitations[0]).toMatchObject({ mode: "form", message: "Name, please?" })
    expect(text(await client.callTool({ name: "summarize", arguments: { text: "long" } }))).toBe("summary over http")
    expect(text(await client.callTool({ name: "roots", arguments: {} }))).toBe("file:///srv")
    await client.close()
  })

  it("a declined elicitation", async () => {
    const { client } = await connect(stateful.url, { capabilities: { elicitation: {} } })
    expect(text(await client.callTool({ name: "ask", arguments: {} }))).toBe("No answer (decline)")
    await client.close()
  })

  it("list_changed reaches other sessions on their standalone GET stream", async () => {
    const [actor, watcher] = await Promise.all([connect(stateful.url), connect(stateful.url)])
    await vi.waitFor(() => expect(watcher.exchanges.some((e) => e.method === "GET" && e.status === 200)).toBe(true))
    expect(text(await actor.client.callTool({ name: "add_tool", arguments: {} }))).toBe("greet registered")
    await vi.waitFor(() => expect(watcher.listChanged.count).toBeGreaterThanOrEqual(1), { timeout: 5_000 })
    expect((await watcher.client.listTools()).tools.map((t) => t.name)).toContain("greet")
    await Promise.all([actor.client.close(), watcher.client.close()])
  })
})

describe("HTTP: streams, resumption and disconnects (raw)", () => {
  it("resumption after a dropped stream: GET with Last-Event-ID delivers the rest, nothing lost", async () => {
    const { headers } = await rawSession(stateful.url, "2025-11-25")
    const controller = new AbortController()
    const response = await post(
      stateful.url,
      { jsonrpc: "2.0", id: "resume-me", method: "tools/call", params: { name: "sleep", arguments: { ms: 800 }, _meta: { progressToken: "p-resume" } } },
      headers,
      controller.signal
    )
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("text/event-stream")
    const first = sseReader(response)
    const priming = (await first.next())!
    expect(priming.id, "the priming event carries an id").toBeTruthy()
    expect(priming.data).toBe("")
    expect(priming.retry).toBeGreaterThan(0)
    controller.abort()
    await first.cancel()
    await delay(350) // progress keeps coming while nobody listens

    const resumed = await fetch(stateful.url, {
      method: "GET",
      headers: { accept: "text/event-stream", ...headers, "last-event-id": priming.id! }
    })
    expect(resumed.status).toBe(200)
    const reader = sseReader(resumed)
    const events: Array<{ id: string | undefined; message: Wire }> = []
    for (;;) {
      const event = await withTimeout(reader.next(), 10_000, "the resumed stream")
      if (event === undefined) break
      if (event.data === "") continue
      const message = JSON.parse(event.data)
      events.push({ id: event.id, message })
      if (message.id === "resume-me") break
    }
    await reader.cancel()
    const progress = events.filter((e) => e.message.method === "notifications/progress").map((e) => e.message.params.progress)
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const result = events.at(-1)!.message
    expect(result).toEqual({ jsonrpc: "2.0", id: "resume-me", result: { content: [{ type: "text", text: "slept 800 ms" }] } })
    const ids = events.map((e) => e.id)
    expect(ids.every((id) => id !== undefined && id !== priming.id)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("a finished stream can still be replayed from its last event id", async () => {
    const { headers } = await rawSession(stateful.url, "2025-11-25")
    const response = await post(
      stateful.url,
      { jsonrpc: "2.0", id: "short", method: "tools/call", params: { name: "sleep", arguments: { ms: 150 }, _meta: { progressToken: 3 } } },
      headers
    )
    const reader = sseReader(response)
    const priming = (await reader.next())!
    const rest: Array<Wire> = []
    for (let e = await reader.next(); e !== undefined; e = await reader.next()) rest.push(JSON.parse(e.data))
    expect(rest.at(-1)!.id).toBe("short")
    const replay = await fetch(stateful.url, {
      method: "GET",
      headers: { accept: "text/event-stream", ...headers, "last-event-id": priming.id! }
    })
    expect(replay.status).toBe(200)
    expect(await messagesOf(replay)).toEqual(rest)
  })

  it("a Last-Event-ID from another session replays nothing of it", async () => {
    const a = await rawSession(stateful.url, "2025-11-25")
    const b = await rawSession(stateful.url, "2025-11-25")
    const response = await post(
      stateful.url,
      { jsonrpc: "2.0", id: "private", method: "tools/call", params: { name: "sleep", arguments: { ms: 200 }, _meta: { progressToken: "secret-a" } } },
      a.headers
    )
    const events = []
    const reader = sseReader(response)
    for (let e = await reader.next(); e !== undefined; e = await reader.next()) events.push(e)
    const firstId = events[0]!.id!
    expect(firstId).toBeTruthy()
    const hijack = await fetch(stateful.url, {
      method: "GET",
      headers: { accept: "text/event-stream", ...b.headers, "last-event-id": firstId }
    })
    const seen: Array<string> = []
    if (hijack.status === 200) {
      const stolen = sseReader(hijack)
      const collect = (async () => {
        for (let e = await stolen.next(); e !== undefined; e = await stolen.next()) seen.push(e.data)
      })()
      await delay(500)
      await stolen.cancel()
      await collect
    }
    expect(seen.join("\n")).not.toContain("secret-a")
    expect(seen.join("\n")).not.toContain("private")
  })

  it("a 2025-03-26 session needs no protocol header and may batch", async () => {
    const { sessionId } = await rawSession(stateful.url, "2025-03-26")
    const response = await post(
      stateful.url,
      [
        { jsonrpc: "2.0", id: "b1", method: "ping" },
        { jsonrpc: "2.0", id: "b2", method: "tools/call", params: { name: "echo", arguments: { text: "batched" } } },
        { jsonrpc: "2.0", method: "notifications/roots/list_changed" }
      ],
      { "mcp-session-id": sessionId }
    )
    expect(response.status).toBe(200)
    const [answer] = await messagesOf(response)
    expect(Array.isArray(answer)).toBe(true)
    const byId = Object.fromEntries((answer as unknown as Array<Wire>).map((r) => [r.id, r]))
    expect(Object.keys(byId).sort()).toEqual(["b1", "b2"])
    expect(byId.b1).toEqual({ jsonrpc: "2.0", id: "b1", result: {} })
    expect(byId.b2.result.content[0].text).toBe("batched")
  })

  it("SSE streams of a 2025-06-18 session carry only JSON-RPC messages (priming events are 2025-11-25)", async () => {
    const { headers } = await rawSession(stateful.url, "2025-06-18")
    const response = await post(
      stateful.url,
      { jsonrpc: "2.0", id: "old", method: "tools/call", params: { name: "sleep", arguments: { ms: 150 }, _meta: { progressToken: 1 } } },
      headers
    )
    expect(response.headers.get("content-type")).toContain("text/event-stream")
    const reader = sseReader(response)
    const events = []
    for (let e = await reader.next(); e !== undefined; e = await reader.next()) events.push(e)
    expect(events.length).toBeGreaterThanOrEqual(2)
    for (const event of events) expect(() => JSON.parse(event.data), `event ${JSON.stringify(event)}`).not.toThrow()
  })

  it("cancel by disconnect: the aborted call ends and the session keeps serving", async () => {
    const { headers } = await rawSession(stateful.url, "2025-11-25")
    const controller = new AbortController()
    const call = post(
      stateful.url,
      { jsonrpc: "2.0", id: "long", method: "tools/call", params: { name: "sleep", arguments: { ms: 60_000 } } },
      headers,
      controller.signal
    ).then((r) => r.text())
    await delay(300)
    controller.abort()
    await expect(call).rejects.toThrow()
    const echo = await post(stateful.url, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "echo", arguments: { text: "alive" } } }, headers)
    expect(echo.status).toBe(200)
    const [answer] = await messagesOf(echo)
    expect(answer!.result.content[0].text).toBe("alive")
    // That the handler was interrupted shows at shutdown: see "shutdown" below.
  })

  it("notifications/cancelled over HTTP ends the request's stream without a response", async () => {
    const { headers } = await rawSession(stateful.url, "2025-11-25")
    const response = await post(
      stateful.url,
      { jsonrpc: "2.0", id: "to-cancel", method: "tools/call", params: { name: "sleep", arguments: { ms: 60_000 }, _meta: { progressToken: "c" } } },
      headers
    )
    const reader = sseReader(response)
    const seen: Array<Wire> = []
    for (let e = await reader.next(); e !== undefined; e = await reader.next()) {
      if (e.data === "") continue
      seen.push(JSON.parse(e.data))
      if (seen.length === 1) {
        const cancel = await post(stateful.url, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "to-cancel" } }, headers)
        expect(cancel.status).toBe(202)
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(1)
    // The stream ended (the loop above finished long before the 60 s sleep) without a response.
    expect(seen.some((m) => m.id === "to-cancel")).toBe(false)
    expect(seen.every((m) => m.method === "notifications/progress")).toBe(true)
  })
})

describe("HTTP: bad input (raw)", () => {
  const FOUR_MIB = 4 * 1024 * 1024
  const oversized = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${"x".repeat(FOUR_MIB)}"}}`
  const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })

  interface Row {
    readonly name: string
    readonly status: number
    readonly request: (session: Record<string, string>, port: number) => Parameters<typeof rawRequest>[1]
    readonly code?: number
  }
  const rows: Array<Row> = [
    { name: "invalid JSON", status: 400, request: (s) => ({ headers: postHeaders(s), body: "{\"jsonrpc\":\"2.0\",\"id\":1," }), code: -32700 },
    { name: "wrong content type", status: 415, request: (s) => ({ headers: postHeaders({ ...s, "content-type": "text/plain" }), body: ping }) },
    { name: "missing Accept", status: 406, request: (s) => ({ headers: { "content-type": "application/json", ...s }, body: ping }) },
    { name: "Accept without text/event-stream", status: 406, request: (s) => ({ headers: postHeaders({ ...s, accept: "application/json" }), body: ping }) },
    { name: "oversized body (Content-Length > 4 MiB)", status: 413, request: (s) => ({ headers: postHeaders(s), body: oversized }) },
    { name: "oversized body (chunked, > 4 MiB)", status: 413, request: (s) => ({ headers: postHeaders(s), body: oversized, chunked: true }) },
    { name: "unknown session", status: 404, request: (s) => ({ headers: postHeaders({ ...s, "mcp-session-id": randomUUID() }), body: ping }) },
    { name: "missing session", status: 400, request: () => ({ headers: postHeaders({ "mcp-protocol-version": "2025-11-25" }), body: ping }) },
    { name: "bad MCP-Protocol-Version", status: 400, request: (s) => ({ headers: postHeaders({ ...s, "mcp-protocol-version": "1999-01-01" }), body: ping }) },
    { name: "foreign Origin", status: 403, request: (s) => ({ headers: postHeaders({ ...s, origin: "http://evil.example.com" }), body: ping }) },
    { name: "foreign Host", status: 403, request: (s, port) => ({ headers: postHeaders({ ...s, host: `evil.example.com:${port}` }), body: ping }) },
    { name: "PUT", status: 405, request: (s) => ({ method: "PUT", headers: postHeaders(s), body: ping }) },
    { name: "GET without a session", status: 400, request: () => ({ method: "GET", headers: { accept: "text/event-stream" } }) },
    { name: "a batch on a 2025-11-25 session", status: 400, request: (s) => ({ headers: postHeaders(s), body: `[${ping}]` }) }
  ]

  let session: Record<string, string>
  beforeAll(async () => {
    session = (await rawSession(stateful.url, "2025-11-25")).headers
  })

  it.each(rows)("$name → $status with a JSON-RPC error body", async ({ code, request, status }) => {
    const response = await rawRequest(stateful.url, request(session, stateful.port))
    expect(response.status).toBe(status)
    expect(response.headers["content-type"]).toContain("application/json")
    expectJsonRpcError(response.json, code)
    // ... and the server keeps serving that session.
    const good = await rawRequest(stateful.url, { headers: postHeaders(session), body: JSON.stringify({ jsonrpc: "2.0", id: "ok", method: "ping" }) })
    expect(good.status).toBe(200)
    expect(good.json).toEqual({ jsonrpc: "2.0", id: "ok", result: {} })
  })

  it("loopback Host and Origin, and a charset in Content-Type, are accepted", async () => {
    for (const host of [`localhost:${stateful.port}`, `127.0.0.1:${stateful.port}`]) {
      const response = await rawRequest(stateful.url, {
        headers: postHeaders({ ...session, host, origin: `http://${host}` }),
        body: ping
      })
      expect(response.status, host).toBe(200)
    }
    const charset = await rawRequest(stateful.url, {
      headers: postHeaders({ ...session, "content-type": "application/json; charset=utf-8" }),
      body: ping
    })
    expect(charset.status).toBe(200)
    expect(charset.json).toEqual({ jsonrpc: "2.0", id: 1, result: {} })
  })
})

describe("HTTP: an unsupported MCP-Protocol-Version gets one message on every path", () => {
  const UNSUPPORTED = "Unsupported protocol version: 1999-01-01 (supported: 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)"
  const initialize = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw-http-test", version: "0.0.1" } }
  })
  const modernBody = (version: string) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/list",
      params: {
        _meta: {
          "io.modelcontextprotocol/protocolVersion": version,
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "raw-modern", version: "1.0.0" }
        }
      }
    })
  const modernHeaders = (version: string) => postHeaders({ "mcp-protocol-version": version, "mcp-method": "tools/list" })

  it.each([["stateful", () => stateful.url], ["stateless", () => stateless.url]])("initialize with a bad header (%s): 400, -32600", async (_mode, url) => {
    const response = await rawRequest(url(), { headers: postHeaders({ "mcp-protocol-version": "1999-01-01" }), body: initialize })
    expect(response.status).toBe(400)
    expect(response.json).toEqual({ jsonrpc: "2.0", id: 1, error: { code: -32600, message: UNSUPPORTED } })
    expect(response.headers["mcp-session-id"]).toBeUndefined()
  })

  it("a request on a legacy session with a bad header: 400, -32600", async () => {
    const { headers } = await rawSession(stateful.url, "2025-11-25")
    const response = await rawRequest(stateful.url, {
      headers: postHeaders({ ...headers, "mcp-protocol-version": "1999-01-01" }),
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })
    })
    expect(response.status).toBe(400)
    expect(response.json).toEqual({ jsonrpc: "2.0", id: 1, error: { code: -32600, message: UNSUPPORTED } })
  })

  it("a modern request with a bad header: 400, -32022", async () => {
    const response = await rawRequest(stateful.url, { headers: modernHeaders("1999-01-01"), body: modernBody("2026-07-28") })
    expect(response.status).toBe(400)
    expect(response.json).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: { code: -32022, message: UNSUPPORTED, data: { supported: ["2026-07-28"], requested: "1999-01-01" } }
    })
  })

  it("a modern request with a bad _meta protocolVersion: 400, -32022", async () => {
    const response = await rawRequest(stateful.url, { headers: modernHeaders("1999-01-01"), body: modernBody("1999-01-01") })
    expect(response.status).toBe(400)
    expect(response.json).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: { code: -32022, message: UNSUPPORTED, data: { supported: ["2026-07-28"], requested: "1999-01-01" } }
    })
  })

  it("a supported header that differs from a bad _meta protocolVersion stays a header mismatch (-32020)", async () => {
    const response = await rawRequest(stateful.url, { headers: modernHeaders("2026-07-28"), body: modernBody("1999-01-01") })
    expect(response.status).toBe(400)
    expect(response.json.error.code).toBe(-32020)
  })
})

describe("HTTP: stateless mode (MCP_STATELESS=1)", () => {
  it("the SDK client works without a session", async () => {
    const { client, exchanges, transport } = await connect(stateless.url)
    expect(transport.sessionId).toBeUndefined()
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("add")
    expect(text(await client.callTool({ name: "echo", arguments: { text: "stateless" } }))).toBe("stateless")
    expect((await client.callTool({ name: "add", arguments: { a: 20, b: 22 } })).structuredContent).toEqual({ result: 42 })
    expect(exchanges.every((e) => e.sessionId === null)).toBe(true)
    // Without a session nothing can ask the client for input.
    const ask = await withTimeout(
      client.callTool({ name: "ask", arguments: {} }).then((r) => JSON.stringify(r), (e: unknown) => e),
      10_000,
      "ask in stateless mode"
    )
    expect(String(ask instanceof McpError ? ask.message : ask)).toMatch(/elicitation/)
    await client.close()
  })

  it("raw: requests need no session; GET and DELETE are 405", async () => {
    const list = await post(stateless.url, { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }, { "mcp-protocol-version": "2025-06-18" })
    expect(list.status).toBe(200)
    expect(list.headers.get("mcp-session-id")).toBeNull()
    const [answer] = await messagesOf(list)
    expect(answer!.result.tools.length).toBeGreaterThan(0)
    const get = await rawRequest(stateless.url, { method: "GET", headers: { accept: "text/event-stream" } })
    expect(get.status).toBe(405)
    expectJsonRpcError(get.json)
    const del = await rawRequest(stateless.url, { method: "DELETE", headers: { "mcp-session-id": "x" } })
    expect(del.status).toBe(405)
    expectJsonRpcError(del.json)
  })

  it("disconnecting interrupts the call: shutdown does not wait for it (SIGTERM → exit 0, promptly)", async () => {
    const controller = new AbortController()
    const call = post(
      stateless.url,
      { jsonrpc: "2.0", id: "long", method: "tools/call", params: { name: "sleep", arguments: { ms: 60_000 } } },
      {},
      controller.signal
    ).then((r) => r.text())
    await delay(300)
    controller.abort()
    await expect(call).rejects.toThrow()
    await delay(100)
    // A request still in flight would hold shutdown for the 30 s drain timeout.
    const started = Date.now()
    const exited = await stateless.child.stop(40_000)
    expect(exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(20_000)
  }, 45_000)
})

describe("HTTP: shutdown", () => {
  it("SIGTERM drains and exits 0 promptly: the call dropped earlier was interrupted", async () => {
    const started = Date.now()
    const exited = await stateful.child.stop(40_000)
    expect(exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(20_000)
  }, 45_000)
})

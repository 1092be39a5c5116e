// One running server, both eras: the official SDK client (legacy session) and a raw
// 2026-07-28 client, on HTTP and on stdio, reach the same handlers with the same answers.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Child, DEMO_HTTP, freePort, spawnStdio, spawnTs, waitForHttp } from "../utils/process.js"

const MODERN = "2026-07-28"
const envelope = (capabilities: Record<string, unknown> = {}) => ({
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": capabilities,
  "io.modelcontextprotocol/clientInfo": { name: "raw-modern", version: "1.0.0" }
})

describe("dual-era on one HTTP endpoint", () => {
  let server: Child
  let url: string

  beforeAll(async () => {
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = spawnTs(DEMO_HTTP, { PORT: String(port) })
    await waitForHttp(url, 60_000, server)
  }, 70_000)

  afterAll(async () => {
    const exited = await server.stop()
    expect(exited.code).toBe(0)
  })

  const modern = async (id: number, method: string, params: Record<string, unknown>, caps = {}) => {
    const name = (params.name ?? params.uri) as string | undefined
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": MODERN,
        "mcp-method": method,
        ...(name === undefined ? {} : { "mcp-name": name })
      },
      body: JSON.stringify({ jsonrpc: "2.0", id, method, params: { ...params, _meta: envelope(caps) } })
    })
    return { status: response.status, body: await response.json() as any }
  }

  it("answers the SDK's legacy session and a modern client alike, elicitation included", async () => {
    const client = new Client({ name: "legacy", version: "1.0.0" }, { capabilities: { elicitation: {} } })
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { value: "Ada" } }))
    await client.connect(new StreamableHTTPClientTransport(new URL(url)))
    const legacy = await client.callTool({ name: "ask", arguments: {} })
    expect(legacy.content).toEqual([{ type: "text", text: "You said: Ada" }])

    const round1 = await modern(1, "tools/call", { name: "ask", arguments: {} }, { elicitation: {} })
    expect(round1.status).toBe(200)
    expect(round1.body.result.resultType).toBe("input_required")
    const [key, input] = Object.entries(round1.body.result.inputRequests)[0] as [string, any]
    expect(input.method).toBe("elicitation/create")
    const round2 = await modern(2, "tools/call", {
      name: "ask",
      arguments: {},
      inputResponses: { [key]: { action: "accept", content: { value: "Ada" } } },
      requestState: round1.body.result.requestState
    }, { elicitation: {} })
    expect(round2.body.result.content).toEqual(legacy.content)
    expect(round2.body.result.resultType).toBe("complete")

    const tampered = await modern(3, "tools/call", {
      name: "ask",
      arguments: {},
      inputResponses: { [key]: { action: "accept", content: { value: "Eve" } } },
      requestState: round1.body.result.requestState + "x"
    }, { elicitation: {} })
    expect(tampered.body.error.code).toBe(-32602)

    const legacyEcho = await client.callTool({ name: "echo", arguments: { text: "same" } })
    const modernEcho = await modern(4, "tools/call", { name: "echo", arguments: { text: "same" } })
    expect(modernEcho.body.result.content).toEqual(legacyEcho.content)
    await client.close()
  })

  it("serves server/discover with cache hints and rejects removed methods with 404", async () => {
    const discover = await modern(10, "server/discover", {})
    expect(discover.body.result.supportedVersions).toContain(MODERN)
    expect(discover.body.result.ttlMs).toBeGreaterThanOrEqual(0)
    expect(discover.body.result._meta["io.modelcontextprotocol/serverInfo"].name).toBe("turbomcp-demo")
    const ping = await modern(11, "ping", {})
    expect(ping.status).toBe(404)
    expect(ping.body.error.code).toBe(-32601)
    const missing = await modern(12, "tools/call", { name: "ask", arguments: {} }, {})
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { elicitation: {} } } })
  })
})

describe("dual-era on stdio", () => {
  it("answers a modern discover probe and a legacy initialize in one process", async () => {
    const client = spawnStdio()
    try {
      const discover = await client.request(1, "server/discover", { _meta: envelope() }, 60_000)
      expect(discover.result.supportedVersions).toContain(MODERN)
      const init = await client.request(2, "initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "legacy", version: "1" }
      })
      expect(init.result.protocolVersion).toBe("2025-06-18")
      client.send({ jsonrpc: "2.0", method: "notifications/initialized" })
      const legacy = await client.request(3, "tools/call", { name: "echo", arguments: { text: "x" } })
      const modern = await client.request(4, "tools/call", { name: "echo", arguments: { text: "x" }, _meta: envelope() })
      expect(modern.result.content).toEqual(legacy.result.content)
      expect(modern.result.resultType).toBe("complete")
      expect(legacy.result.resultType).toBeUndefined()
      expect(client.garbage).toEqual([])
    } finally {
      client.endInput()
      expect((await client.child.exited).code).toBe(0)
    }
  }, 90_000)
})

// The operations examples, run as the README shows them: each in a child process.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { postHeaders, rawRequest } from "../utils/http.js"
import { type Child, freePort, spawnTs, waitForHttp, withTimeout } from "../utils/process.js"

let child: Child | undefined

afterEach(async () => {
  await child?.stop(2_000)
  child = undefined
})

const spawnExample = (file: string, env: Record<string, string>) => {
  const started = spawnTs(file, env)
  let stdout = ""
  started.process.stdout.setEncoding("utf8")
  started.process.stdout.on("data", (chunk: string) => {
    stdout += chunk
  })
  child = started
  return { child: started, logs: () => stdout + started.stderr() }
}

/** Initializes a legacy session and calls `add`. */
const callAdd = async (mcp: string) => {
  const init = await rawRequest(mcp, {
    headers: postHeaders(),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "examples", version: "1" } }
    })
  })
  const headers = postHeaders({ "mcp-session-id": init.headers["mcp-session-id"] as string, "mcp-protocol-version": "2025-06-18" })
  const result = await rawRequest(mcp, {
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "add", arguments: { a: 2, b: 3 } } })
  })
  return result.json.result.content[0].text as string
}

describe("examples/management.ts", () => {
  it("serves health, metrics (basic auth), metrics JSON, status and redacted config on their own port", async () => {
    const [port, managementPort] = [await freePort(), await freePort()]
    const { child } = spawnExample("examples/management.ts", {
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      METRICS_PASSWORD: "scrape-secret",
      REQUEST_STATE_KEY: "hmac-secret"
    })
    const management = `http://127.0.0.1:${managementPort}`
    await waitForHttp(`${management}/health/live`, 45_000, child)
    await waitForHttp(`http://127.0.0.1:${port}/mcp`, 45_000, child)
    expect(await callAdd(`http://127.0.0.1:${port}/mcp`)).toBe("5")

    const ready = await rawRequest(`${management}/health/ready`, { method: "GET" })
    expect(ready.status).toBe(200)
    expect(Object.keys(ready.json.checks)).toEqual(["event-loop", "disk"])
    // Not on the MCP port.
    expect((await rawRequest(`http://127.0.0.1:${port}/health/ready`, { method: "GET" })).status).toBe(404)

    expect((await rawRequest(`${management}/metrics`, { method: "GET" })).status).toBe(401)
    const authorization = `Basic ${Buffer.from("prometheus:scrape-secret").toString("base64")}`
    const metrics = await rawRequest(`${management}/metrics`, { method: "GET", headers: { authorization } })
    expect(metrics.status).toBe(200)
    expect(metrics.text).toMatch(/^turbomcp_server_requests_total\{method="tools\/call",status="success",tool="add"\} 1$/m)
    expect(metrics.text).toContain('service_name="calc"')
    const json = await rawRequest(`${management}/metrics/json`, { method: "GET", headers: { authorization } })
    expect(json.json.metrics.some((m: { name: string }) => m.name === "turbomcp_server_active_sessions")).toBe(true)

    const status = await rawRequest(`${management}/status`, { method: "GET" })
    expect(status.json).toEqual({ sessions: 1, listeners: 0 })
    const config = await rawRequest(`${management}/config`, { method: "GET" })
    expect(config.json.server).toMatchObject({ name: "calc", version: "1.0.0", requestStateKey: "<redacted>" })
    expect(config.json.database.url).toBe("postgres://calc:redacted@127.0.0.1:5432/calc")
    expect(config.text).not.toContain("hmac-secret")
    expect(config.text).not.toContain("dev-password")

    child.process.kill("SIGTERM")
    expect(await withTimeout(child.exited, 10_000, "the example to exit")).toEqual({ code: 0, signal: null })
  }, 90_000)
})

describe("examples/shared-server.ts", () => {
  it("a dashboard reads the running server through the handle, and POST /shutdown stops it cleanly", async () => {
    const [port, dashboardPort] = [await freePort(), await freePort()]
    const { child, logs } = spawnExample("examples/shared-server.ts", {
      PORT: String(port),
      DASHBOARD_PORT: String(dashboardPort)
    })
    const dashboard = `http://127.0.0.1:${dashboardPort}`
    await waitForHttp(`${dashboard}/status`, 45_000, child)
    await waitForHttp(`http://127.0.0.1:${port}/mcp`, 45_000, child)
    expect(await callAdd(`http://127.0.0.1:${port}/mcp`)).toBe("5")

    const status = await rawRequest(`${dashboard}/status`, { method: "GET" })
    expect(status.json).toMatchObject({
      state: "Running",
      name: "calc",
      version: "1.0.0",
      url: `http://127.0.0.1:${port}/mcp`,
      sessions: 1
    })
    const health = await rawRequest(`${dashboard}/health`, { method: "GET" })
    expect(health.status).toBe(200)
    const config = await rawRequest(`${dashboard}/config`, { method: "GET" })
    expect(config.json.app).toEqual({
      database: { url: "postgres://calc:redacted@127.0.0.1:5432/calc" },
      apiKey: "<redacted>"
    })
    const metrics = await rawRequest(`${dashboard}/metrics`, { method: "GET" })
    const adds = metrics.json.filter((m: any) => m.name === "turbomcp_server_requests_total" && m.labels.tool === "add")
    expect(adds.map((m: any) => m.value)).toEqual([1])

    const shutdown = await rawRequest(`${dashboard}/shutdown`, { method: "POST" })
    expect(shutdown.status).toBe(202)
    expect(await withTimeout(child.exited, 10_000, "the example to exit")).toEqual({ code: 0, signal: null })
    expect(logs()).toContain("stopped: Stopped")
  }, 90_000)
})

describe("examples/tracing.ts", () => {
  it("exports the request span over OTLP/HTTP with the client's trace as parent, flushed at shutdown", async () => {
    // A stand-in OpenTelemetry collector on 127.0.0.1.
    const bodies: Array<any> = []
    const collector = http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")))
        res.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve))
    try {
      const collectorPort = (collector.address() as AddressInfo).port
      const port = await freePort()
      const { child } = spawnExample("examples/tracing.ts", {
        PORT: String(port),
        OTLP_URL: `http://127.0.0.1:${collectorPort}/v1/traces`
      })
      const mcp = `http://127.0.0.1:${port}/mcp`
      await waitForHttp(mcp, 45_000, child)
      const traceId = "5b8efff798038103d269b633813fc60c"
      const parentId = "eee19b7ec3c1b174"
      const modern = "2026-07-28"
      const response = await rawRequest(mcp, {
        headers: postHeaders({ "mcp-protocol-version": modern, "mcp-method": "tools/call", "mcp-name": "lookup" }),
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: {
            name: "lookup",
            arguments: { id: 7 },
            _meta: {
              "io.modelcontextprotocol/protocolVersion": modern,
              "io.modelcontextprotocol/clientCapabilities": {},
              traceparent: `00-${traceId}-${parentId}-01`
            }
          }
        })
      })
      expect(response.json.result.content[0].text).toBe("record 7")
      child.process.kill("SIGTERM")
      expect(await withTimeout(child.exited, 15_000, "the example to exit")).toEqual({ code: 0, signal: null })

      const spans = bodies.flatMap((body) =>
        body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans))
      )
      const request = spans.find((span: any) => span.name === "tools/call lookup")
      expect(request, `spans: ${spans.map((s: any) => s.name).join(", ")}`).toBeDefined()
      expect(request.traceId).toBe(traceId)
      expect(request.parentSpanId).toBe(parentId)
      const attributes = Object.fromEntries(request.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]))
      expect(attributes).toMatchObject({
        "mcp.method.name": "tools/call",
        "gen_ai.tool.name": "lookup",
        "mcp.protocol.version": modern
      })
      const query = spans.find((span: any) => span.name === "db.query")
      expect(query.parentSpanId).toBe(request.spanId)
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()))
    }
  }, 90_000)
})

// The demo (`npm start`, examples/demo/http.ts) in a child process: tool calls over MCP,
// then /metrics parsed by a Prometheus text parser, /metrics/json, health and /status.
import { type Family, parsePrometheus } from "../utils/prometheus.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { postHeaders, rawRequest } from "../utils/http.js"
import { type Child, DEMO_HTTP, freePort, spawnTs, waitForHttp } from "../utils/process.js"


let child: Child
let base: string

beforeAll(async () => {
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  child = spawnTs(DEMO_HTTP, { PORT: String(port) })
  await waitForHttp(`${base}/health/live`, 45_000, child)
}, 60_000)

afterAll(async () => {
  await child?.stop(5_000)
})

const family = (families: ReadonlyArray<Family>, name: string): Family => {
  const found = families.find((f) => f.name === name)
  expect(found, `no metric family ${name} in ${families.map((f) => f.name).join(", ")}`).toBeDefined()
  return found!
}

const sample = (f: Family, labels: Record<string, string>) =>
  f.metrics.find((m) =>
    Object.keys(labels).length === Object.keys(m.labels ?? {}).length &&
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  )

const scrape = async () => {
  const response = await rawRequest(`${base}/metrics`, { method: "GET" })
  expect(response.status).toBe(200)
  expect(response.headers["content-type"]).toContain("text/plain; version=0.0.4")
  return { text: response.text, families: parsePrometheus(response.text) }
}

describe("the demo's /metrics after tool calls", () => {
  it("counts requests by method, status and registered tool, errors by type, and sessions", async () => {
    const init = await rawRequest(`${base}/mcp`, {
      headers: postHeaders(),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "metrics-test", version: "1" } }
      })
    })
    const headers = postHeaders({
      "mcp-session-id": init.headers["mcp-session-id"] as string,
      "mcp-protocol-version": "2025-11-25"
    })
    let id = 1
    const call = async (name: string, args: Record<string, unknown>) => {
      const response = await rawRequest(`${base}/mcp`, {
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name, arguments: args } })
      })
      expect(response.status).toBe(200)
      return response.json
    }
    await rawRequest(`${base}/mcp`, { headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })
    for (let i = 0; i < 3; i++) expect((await call("add", { a: i, b: 1 })).result.structuredContent).toEqual({ result: i + 1 })
    for (let i = 0; i < 2; i++) await call("echo", { text: "hi" })
    // 2025-11-25: bad arguments are a tool error the model can read
    expect((await call("add", { a: "x", b: 1 })).result.isError).toBe(true)
    // an unknown tool is a protocol error, and gets no `tool` label
    expect((await call("no-such-tool", {})).error.code).toBe(-32602)

    const { families, text } = await scrape()
    const requests = family(families, "turbomcp_server_requests_total")
    expect(requests.type).toBe("COUNTER")
    expect(sample(requests, { method: "initialize", status: "success" })?.value).toBe("1")
    expect(sample(requests, { method: "tools/call", status: "success", tool: "add" })?.value).toBe("3")
    expect(sample(requests, { method: "tools/call", status: "success", tool: "echo" })?.value).toBe("2")
    expect(sample(requests, { method: "tools/call", status: "error", tool: "add" })?.value).toBe("1")
    expect(sample(requests, { method: "tools/call", status: "error" })?.value).toBe("1")
    expect(requests.metrics.some((m) => m.labels?.tool === "no-such-tool")).toBe(false)

    const errors = family(families, "turbomcp_server_errors_total")
    expect(sample(errors, { error_type: "tool_error" })?.value).toBe("1")
    expect(sample(errors, { error_type: "ToolNotFound" })?.value).toBe("1")

    expect(family(families, "turbomcp_server_request_duration_seconds").type).toBe("HISTOGRAM")
    // The parser drops a labelled histogram's `_count` (it precedes the buckets): read the line.
    expect(text).toMatch(/^turbomcp_server_request_duration_seconds_count\{method="tools\/call",tool="add"\} 4$/m)

    expect(family(families, "turbomcp_server_active_sessions").metrics[0]?.value).toBe("1")
    expect(Number(family(families, "turbomcp_server_active_connections").metrics[0]?.value)).toBeGreaterThanOrEqual(1)

    // The same registry as JSON.
    const json = await rawRequest(`${base}/metrics/json`, { method: "GET" })
    const series = (json.json.metrics as Array<{ name: string; labels: Record<string, string>; value?: number }>)
      .filter((m) => m.name === "turbomcp_server_requests_total" && m.labels.tool === "add" && m.labels.status === "success")
    expect(series.map((m) => m.value)).toEqual([3])

    const status = await rawRequest(`${base}/status`, { method: "GET" })
    expect(status.json).toEqual({ name: "turbomcp-demo", version: "0.1.0", sessions: 1 })

    // Ending the session: the gauge follows at the next scrape.
    const closed = await rawRequest(`${base}/mcp`, { method: "DELETE", headers })
    expect(closed.status).toBe(200)
    expect(family((await scrape()).families, "turbomcp_server_active_sessions").metrics[0]?.value).toBe("0")
  })

  it("serves liveness and readiness next to /mcp", async () => {
    const live = await rawRequest(`${base}/health/live`, { method: "GET" })
    expect(live.status).toBe(200)
    expect(live.json.checks["event-loop"].status).toMatch(/healthy|degraded/)
    const ready = await rawRequest(`${base}/health/ready`, { method: "GET" })
    expect(ready.status).toBe(200)
    expect(ready.json).toMatchObject({ draining: false })
    expect((await rawRequest(`${base}/nowhere`, { method: "GET" })).status).toBe(404)
  })
})

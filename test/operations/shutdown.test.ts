// Graceful shutdown over real HTTP: examples/graceful-shutdown.ts runs in a child process, slow
// tool calls are in flight, and the process gets SIGTERM.
import { afterEach, describe, expect, it } from "vitest"
import { postHeaders, rawRequest, type RawResponse, sseReader } from "../utils/http.js"
import { type Child, delay, freePort, spawnStdio, spawnTs, waitForHttp, withTimeout } from "../utils/process.js"

const EXAMPLE = "examples/graceful-shutdown.ts"
const LEGACY = "2025-06-18"
const MODERN = "2026-07-28"

let child: Child | undefined

afterEach(async () => {
  await child?.stop(1_000)
  child = undefined
})

const start = async (env: Record<string, string> = {}) => {
  const port = await freePort()
  child = spawnTs(EXAMPLE, { PORT: String(port), ...env })
  // Effect's logger writes to stdout.
  let stdout = ""
  child.process.stdout.setEncoding("utf8")
  child.process.stdout.on("data", (chunk: string) => {
    stdout += chunk
  })
  const base = `http://127.0.0.1:${port}`
  await waitForHttp(`${base}/health/live`, 45_000, child)
  return { base, child, logs: () => stdout + child!.stderr() }
}

const jsonRpc = (id: number | undefined, method: string, params?: unknown) =>
  JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, ...(params === undefined ? {} : { params }) })

/** A legacy session: initialize, then notifications/initialized. */
const openSession = async (base: string) => {
  const init = await rawRequest(`${base}/mcp`, {
    headers: postHeaders(),
    body: jsonRpc(1, "initialize", {
      protocolVersion: LEGACY,
      capabilities: {},
      clientInfo: { name: "shutdown-test", version: "1.0.0" }
    })
  })
  expect(init.status).toBe(200)
  const sessionId = init.headers["mcp-session-id"] as string
  const headers = postHeaders({ "mcp-session-id": sessionId, "mcp-protocol-version": LEGACY })
  const initialized = await rawRequest(`${base}/mcp`, { headers, body: jsonRpc(undefined, "notifications/initialized") })
  expect(initialized.status).toBe(202)
  return (id: number, ms: number): Promise<RawResponse> =>
    rawRequest(`${base}/mcp`, { headers, body: jsonRpc(id, "tools/call", { name: "slow", arguments: { ms } }) })
}

/** Polls until `check` holds, every 25 ms; resolves with the elapsed time. */
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 5_000) => {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`)
    await delay(25)
  }
  return Date.now() - started
}

describe("graceful shutdown on SIGTERM", () => {
  it("answers every call in flight, refuses new ones with 503, turns readiness 503 at once and exits 0", async () => {
    const { base, child, logs } = await start()
    const call = await openSession(base)

    const ready = await rawRequest(`${base}/health/ready`, { method: "GET" })
    expect(ready.status).toBe(200)

    const SLOW_MS = 2_500
    const calls = [2, 3, 4, 5, 6].map((id) => call(id, SLOW_MS))
    await delay(400) // the calls have reached their handlers
    const signalledAt = Date.now()
    child.process.kill("SIGTERM")

    // Readiness turns 503 long before the slow calls finish.
    const readinessAfter = await until("readiness 503", async () =>
      (await rawRequest(`${base}/health/ready`, { method: "GET" })).status === 503)
    expect(readinessAfter).toBeLessThan(1_500)
    const draining = await rawRequest(`${base}/health/ready`, { method: "GET" })
    expect(draining.json).toMatchObject({ status: "unhealthy", draining: true })
    // Liveness is not readiness: the process still serves.
    expect((await rawRequest(`${base}/health/live`, { method: "GET" })).status).toBe(200)

    // A new call, in the same session, is refused.
    const refused = await call(7, 10)
    expect(refused.status).toBe(503)
    expect(refused.headers["retry-after"]).toBeDefined()
    expect(refused.json.error.code).toBe(-32000)

    // Every call in flight got its answer.
    const answers = await Promise.all(calls)
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(200)
      expect(answer.json.id).toBe(i + 2)
      expect(answer.json.result.content[0].text).toBe(`done after ${SLOW_MS} ms`)
    }
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(SLOW_MS - 400 - 100)

    const exited = await withTimeout(child.exited, 10_000, "the server to exit")
    expect(exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - signalledAt).toBeLessThan(SLOW_MS + 5_000)
    expect(logs()).toContain("Draining: finishing the requests in flight")
  }, 60_000)

  it("interrupts the calls still running after the drain timeout, and still exits 0", async () => {
    const { base, child, logs } = await start({ DRAIN_TIMEOUT_MS: "1000" })
    const call = await openSession(base)
    const quick = call(2, 300)
    const stuck = call(3, 60_000)
    await delay(150)
    const signalledAt = Date.now()
    child.process.kill("SIGTERM")
    const [quickAnswer, stuckAnswer] = await Promise.all([quick, stuck])
    expect(quickAnswer.json.result.content[0].text).toBe("done after 300 ms")
    // Interrupted at the end of the drain, it is still answered, with a JSON-RPC error.
    expect(stuckAnswer.status).toBe(503)
    expect(stuckAnswer.json).toMatchObject({ id: 3, error: { code: -32000 } })
    const exited = await withTimeout(child.exited, 10_000, "the server to exit")
    expect(exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - signalledAt).toBeLessThan(6_000)
    expect(logs()).toContain("Drain timed out")
  }, 60_000)

  it("ends subscriptions/listen streams with their result instead of holding the drain", async () => {
    const { base, child } = await start()
    const response = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: postHeaders({ "mcp-protocol-version": MODERN, "mcp-method": "subscriptions/listen" }),
      body: jsonRpc(9, "subscriptions/listen", {
        notifications: { toolsListChanged: true },
        _meta: {
          "io.modelcontextprotocol/protocolVersion": MODERN,
          "io.modelcontextprotocol/clientCapabilities": {}
        }
      })
    })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("text/event-stream")
    const events = sseReader(response)
    const acknowledged = await events.next()
    expect(JSON.parse(acknowledged!.data).method).toBe("notifications/subscriptions/acknowledged")

    const signalledAt = Date.now()
    child.process.kill("SIGTERM")
    const final = await withTimeout(events.next(), 5_000, "the listen result")
    expect(JSON.parse(final!.data)).toMatchObject({ id: 9, result: { resultType: "complete" } })
    expect(await events.next()).toBeUndefined() // the stream ended
    const exited = await withTimeout(child.exited, 10_000, "the server to exit")
    expect(exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - signalledAt).toBeLessThan(5_000)
  }, 60_000)
})

describe("graceful shutdown on stdio", () => {
  it("answers the call in flight, refuses new requests with a JSON-RPC error, and exits 0", async () => {
    const client = spawnStdio()
    child = client.child
    const init = await client.request(1, "initialize", {
      protocolVersion: LEGACY,
      capabilities: {},
      clientInfo: { name: "shutdown-test", version: "1.0.0" }
    }, 45_000)
    expect(init.result.serverInfo.name).toBe("turbomcp-demo")
    client.send({ jsonrpc: "2.0", method: "notifications/initialized" })
    const slow = client.request(2, "tools/call", { name: "sleep", arguments: { ms: 1_500 } })
    await delay(300)
    client.child.process.kill("SIGTERM")
    await delay(300)
    const refused = await client.request(3, "tools/list")
    expect(refused.error).toEqual({ code: -32000, message: "Server is shutting down" })
    expect((await slow).result.content[0].text).toBe("slept 1500 ms")
    expect(await withTimeout(client.child.exited, 10_000, "the server to exit")).toEqual({ code: 0, signal: null })
    expect(client.garbage).toEqual([])
  }, 60_000)
})

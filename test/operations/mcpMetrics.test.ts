// The metrics middleware in process, driven as a transport would, with TestClock durations.
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Schema, TestClock } from "effect"
import { createRequire } from "node:module"
import { McpServer, Metrics, Middleware, Registry, Tool } from "turbomcp-server"
import { makeClient, serverLayer, settle } from "../utils/harness.js"

interface Family {
  readonly name: string
  readonly metrics: ReadonlyArray<{ readonly value?: string; readonly labels?: Readonly<Record<string, string>> }>
}
const parsePrometheus = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string
) => ReadonlyArray<Family>

const Slow = Tool.make("slow", { parameters: { seconds: Schema.Number } }).handle(({ seconds }) =>
  Effect.as(Effect.sleep(`${seconds} seconds`), "slept")
)
const Broken = Tool.make("broken", {}).handle(() => Effect.fail("out of order"))

const NS = "mw"
const Live = serverLayer(Layer.mergeAll(McpServer.tools(Slow, Broken), Metrics.layerMcp)).pipe(
  Layer.provideMerge(Metrics.layerPrometheus({ namespace: NS }))
)

const value = (families: ReadonlyArray<Family>, name: string, labels: Record<string, string>) =>
  families.find((f) => f.name === name)?.metrics.find((m) =>
    Object.keys(labels).length === Object.keys(m.labels ?? {}).length &&
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  )?.value

describe("Metrics.layerMcp", () => {
  it.scoped("records method, status, registered tool, duration on Clock, errors and sessions", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-11-25")
      const slow = yield* client.start("tools/call", { name: "slow", arguments: { seconds: 2 } })
      yield* settle
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual((yield* Fiber.join(slow.fiber)).result.content[0].text, "slept")
      assert.isTrue((yield* client.request("tools/call", { name: "broken", arguments: {} })).result.isError)
      assert.strictEqual((yield* client.request("tools/call", { name: "ghost", arguments: {} })).error.code, -32602)
      yield* client.request("tools/list")

      // Cancelled by the client: status "cancelled", no error.
      const cancelled = yield* client.start("tools/call", { name: "slow", arguments: { seconds: 60 } })
      yield* settle
      yield* client.notify("notifications/cancelled", { requestId: cancelled.id })
      yield* Fiber.await(cancelled.fiber)

      const text = yield* Metrics.PrometheusText
      const families = parsePrometheus(text)
      const requests = `${NS}_server_requests_total`
      assert.strictEqual(value(families, requests, { method: "initialize", status: "success" }), "1")
      assert.strictEqual(value(families, requests, { method: "tools/call", status: "success", tool: "slow" }), "1")
      assert.strictEqual(value(families, requests, { method: "tools/call", status: "error", tool: "broken" }), "1")
      assert.strictEqual(value(families, requests, { method: "tools/call", status: "error" }), "1") // ghost: no label
      assert.strictEqual(value(families, requests, { method: "tools/call", status: "cancelled", tool: "slow" }), "1")
      assert.strictEqual(value(families, requests, { method: "tools/list", status: "success" }), "1")
      assert.notInclude(text, "ghost")

      const errors = `${NS}_server_errors_total`
      assert.strictEqual(value(families, errors, { error_type: "tool_error" }), "1")
      assert.strictEqual(value(families, errors, { error_type: "ToolNotFound" }), "1")

      // TestClock: the slow call took exactly 2 seconds.
      assert.match(text, new RegExp(`^${NS}_server_request_duration_seconds_sum\\{method="tools/call",tool="slow"\\} 2$`, "m"))

      // Sampled at scrape time from the server.
      const server = yield* McpServer.McpServer
      assert.strictEqual(value(families, `${NS}_server_active_sessions`, {}), String(server.sessionCount()))
      const json = yield* Metrics.snapshot({ prefix: `${NS}_server_active_sessions` })
      assert.deepStrictEqual(json.map((m) => [m.type, m.value]), [["gauge", server.sessionCount()]])
    }).pipe(Effect.provide(Live)))
})

class Stamp extends Context.Tag("test/Stamp")<Stamp, string>() {}

// An observer given a place among the middleware: it sees the exit of what runs inside it, and
// the services its observation carries reach the handler.
// The observer provides Stamp at run time, which the types cannot see: read it as an option.
const Stamped = Tool.make("stamped", {}).handle(() =>
  Effect.map(Effect.serviceOption(Stamp), (stamp) => stamp._tag === "Some" ? stamp.value : "no stamp")
)
const seen: Array<string> = []
const Recording: Middleware.Observer = (ctx) => ({
  context: Context.make(Stamp, `stamp for ${ctx.method}`),
  done: (exit) => void seen.push(`${ctx.method} ${exit._tag}`)
})
const FromObserver = serverLayer(Layer.mergeAll(
  McpServer.tools(Slow, Stamped),
  McpServer.middleware(Middleware.fromObserver(Recording)),
  Layer.effectDiscard(Effect.flatMap(Registry.Registry, (registry) =>
    Effect.flatMap(Metrics.McpMetrics, (metrics) =>
      registry.addMiddleware(Middleware.fromObserver(Metrics.observer(metrics, registry))))))
)).pipe(Layer.provideMerge(Metrics.layerPrometheus({ namespace: "fo" })))

describe("Middleware.fromObserver", () => {
  it.scoped("runs an observer as middleware: its exit, its services, and Metrics.observer's durations on Clock", () =>
    Effect.gen(function*() {
      const client = yield* makeClient()
      yield* client.initialize("2025-11-25")
      const stamped = yield* client.request("tools/call", { name: "stamped", arguments: {} })
      assert.strictEqual(stamped.result.content[0].text, "stamp for tools/call")
      const slow = yield* client.start("tools/call", { name: "slow", arguments: { seconds: 3 } })
      yield* settle
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.join(slow.fiber)
      assert.includeMembers(seen, ["initialize Success", "tools/call Success"])
      const text = yield* Metrics.PrometheusText
      assert.match(text, /^fo_server_request_duration_seconds_sum\{method="tools\/call",tool="slow"\} 3$/m)
    }).pipe(Effect.provide(FromObserver)))
})

// A span per MCP request over real HTTP, exported to an in-memory exporter: its name,
// attributes and parent (from `_meta.traceparent` or the HTTP `traceparent` header).
import { assert, layer } from "@effect/vitest"
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, Schema } from "effect"
import { Http, McpServer, Middleware, Tool, Tracing } from "turbomcp-server"
import { postHeaders, rawRequest } from "../utils/http.js"

const TRACE_META = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_META = "00f067aa0ba902b7"
const TRACE_HEADER = "0af7651916cd43dd8448eb211c80319c"
const PARENT_HEADER = "b7ad6b7169203331"
const traceparent = (trace: string, parent: string) => `00-${trace}-${parent}-01`

const Add = Tool.make("add", {
  parameters: { a: Schema.Number, b: Schema.Number }
}).handle(({ a, b }) => Effect.succeed(String(a + b)).pipe(Effect.withSpan("add.compute")))

const Fail = Tool.make("fail", {}).handle(() => Effect.fail("nope"))

const exporter = new InMemorySpanExporter()

// A user's middleware with a span of its own: it runs inside the request span.
const Audit = McpServer.middleware(Middleware.make((handler) => Effect.withSpan(handler, "audit")))

const Live = Http.layerEndpoint({ port: 0 }).pipe(
  Layer.provide(Audit),
  Layer.provide(Tracing.layerMcp),
  Layer.provide(McpServer.tools(Add, Fail)),
  Layer.provide(McpServer.layer({ name: "traced", version: "1.0.0" })),
  Layer.provide(Tracing.layer({ serviceName: "traced-server", exporter, spanProcessor: "simple" }))
)

const byName = (name: string, traceId?: string): ReadableSpan => {
  const spans = exporter.getFinishedSpans()
  const span = spans.find((s) => s.name === name && (traceId === undefined || s.spanContext().traceId === traceId))
  assert.isDefined(span, `no span named ${name} in ${spans.map((s) => s.name).join(", ")}`)
  return span!
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  Effect.promise(() => rawRequest(url, { headers: postHeaders(headers), body: JSON.stringify(body) }))

/** A legacy session on the endpoint; `call` sends tools/call with optional `_meta` and headers. */
const session = Effect.gen(function*() {
  const { url } = yield* Http.Endpoint
  const init = yield* post(url, {}, {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } }
  })
  const sessionId = init.headers["mcp-session-id"] as string
  const headers = { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" }
  yield* post(url, headers, { jsonrpc: "2.0", method: "notifications/initialized" })
  let id = 10
  const call = (name: string, args: Record<string, unknown>, meta?: Record<string, unknown>, extra = {}) =>
    post(url, { ...headers, ...extra }, {
      jsonrpc: "2.0",
      id: ++id,
      method: "tools/call",
      params: { name, arguments: args, ...(meta === undefined ? {} : { _meta: meta }) }
    }).pipe(Effect.map((response) => ({ id, response })))
  return { sessionId, call }
})

// Live services: the request fibers and the test share the real clock.
layer(Live, { excludeTestServices: true })("tracing over HTTP", (it) => {
  it.effect("tools/call: a server span named per the conventions, parent from _meta.traceparent", () =>
    Effect.gen(function*() {
      exporter.reset()
      const { call, sessionId } = yield* session
      const { id, response } = yield* call("add", { a: 1, b: 2 }, {
        traceparent: traceparent(TRACE_META, PARENT_META),
        tracestate: "vendor=1"
      })
      assert.strictEqual(response.json.result.content[0].text, "3")
      const span = byName("tools/call add")
      assert.strictEqual(span.kind, 1 /* SERVER */)
      assert.strictEqual(span.spanContext().traceId, TRACE_META)
      assert.strictEqual(span.parentSpanContext?.spanId, PARENT_META)
      assert.isTrue(span.parentSpanContext?.isRemote)
      assert.strictEqual(span.spanContext().traceState?.serialize(), "vendor=1")
      assert.deepInclude(span.attributes, {
        [Tracing.ATTR_MCP_METHOD_NAME]: "tools/call",
        [Tracing.ATTR_GEN_AI_TOOL_NAME]: "add",
        [Tracing.ATTR_GEN_AI_OPERATION_NAME]: "execute_tool",
        [Tracing.ATTR_JSONRPC_REQUEST_ID]: String(id),
        [Tracing.ATTR_MCP_SESSION_ID]: sessionId,
        [Tracing.ATTR_MCP_PROTOCOL_VERSION]: "2025-06-18"
      })
      assert.strictEqual(span.resource.attributes["service.name"], "traced-server")
      // The user's middleware and the handler's own span are children, in that order.
      const audit = byName("audit", TRACE_META)
      const compute = byName("add.compute", TRACE_META)
      assert.strictEqual(audit.parentSpanContext?.spanId, span.spanContext().spanId)
      assert.strictEqual(compute.parentSpanContext?.spanId, audit.spanContext().spanId)
      assert.strictEqual(compute.spanContext().traceId, TRACE_META)
    }))

  it.effect("the HTTP traceparent header is the parent when _meta carries none; _meta wins over it", () =>
    Effect.gen(function*() {
      exporter.reset()
      const { call } = yield* session
      yield* call("add", { a: 2, b: 2 }, undefined, { traceparent: traceparent(TRACE_HEADER, PARENT_HEADER) })
      const fromHeader = byName("tools/call add")
      assert.strictEqual(fromHeader.spanContext().traceId, TRACE_HEADER)
      assert.strictEqual(fromHeader.parentSpanContext?.spanId, PARENT_HEADER)

      exporter.reset()
      yield* call(
        "add",
        { a: 3, b: 3 },
        { traceparent: traceparent(TRACE_META, PARENT_META) },
        { traceparent: traceparent(TRACE_HEADER, PARENT_HEADER) }
      )
      const both = byName("tools/call add")
      assert.strictEqual(both.spanContext().traceId, TRACE_META)
      assert.strictEqual(both.parentSpanContext?.spanId, PARENT_META)
    }))

  it.effect("failures: tool_error for a failing tool, the JSON-RPC code for a protocol error", () =>
    Effect.gen(function*() {
      exporter.reset()
      const { call } = yield* session
      const failed = yield* call("fail", {})
      assert.isTrue(failed.response.json.result.isError)
      assert.strictEqual(byName("tools/call fail").attributes[Tracing.ATTR_ERROR_TYPE], "tool_error")

      const unknown = yield* call("missing", {})
      assert.strictEqual(unknown.response.json.error.code, -32602)
      const span = byName("tools/call missing")
      assert.strictEqual(span.attributes[Tracing.ATTR_ERROR_TYPE], "-32602")
      assert.strictEqual(span.attributes[Tracing.ATTR_RPC_RESPONSE_STATUS_CODE], "-32602")
      assert.strictEqual(span.status.code, 2 /* ERROR */)
    }))

  it.effect("without a traceparent the request span is a root", () =>
    Effect.gen(function*() {
      exporter.reset()
      const { call } = yield* session
      yield* call("add", { a: 0, b: 0 })
      assert.isUndefined(byName("tools/call add").parentSpanContext)
      assert.isDefined(byName("initialize"))
    }))
})

// Tracing.layer provided above Tracing.layerMcp (built after it): the request spans still use
// the transport's tracer, which is what the request fibers run with.
const reversedExporter = new InMemorySpanExporter()
const Reversed = Http.layerEndpoint({ port: 0 }).pipe(
  Layer.provide(Tracing.layer({ serviceName: "traced-server", exporter: reversedExporter, spanProcessor: "simple" })),
  Layer.provide(Tracing.layerMcp),
  Layer.provide(McpServer.tools(Add)),
  Layer.provide(McpServer.layer({ name: "traced", version: "1.0.0" }))
)

layer(Reversed, { excludeTestServices: true })("tracing over HTTP, tracing layer provided last", (it) => {
  it.effect("the request span is exported, and the handler's span is its child", () =>
    Effect.gen(function*() {
      const { call } = yield* session
      yield* call("add", { a: 1, b: 2 })
      const spans = reversedExporter.getFinishedSpans()
      const request = spans.find((s) => s.name === "tools/call add")
      const child = spans.find((s) => s.name === "add.compute")
      assert.isDefined(request, `spans: ${spans.map((s) => s.name).join(", ")}`)
      assert.strictEqual(child?.parentSpanContext?.spanId, request!.spanContext().spanId)
    }))
})

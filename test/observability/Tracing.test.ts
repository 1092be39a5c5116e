import { assert, describe, it } from "@effect/vitest"
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, Option, Redacted } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Tracing from "../../src/observability/Tracing.js"

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
const PARENT_ID = "00f067aa0ba902b7"
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`
const TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"

// The simple processor exports each span as it ends. Spans are read before the layer is
// released: shutting the provider down empties an InMemorySpanExporter.
const traced = <A, E>(program: Effect.Effect<A, E>) => {
  const exporter = new InMemorySpanExporter()
  return Effect.map(program, (result) => ({ result, spans: exporter.getFinishedSpans() })).pipe(
    Effect.provide(Tracing.layer({ serviceName: "tracing-test", exporter, spanProcessor: "simple" }))
  )
}

const byName = (spans: ReadonlyArray<ReadableSpan>, name: string): ReadableSpan => {
  const span = spans.find((s) => s.name === name)
  assert.isDefined(span, `no span named ${name} in ${spans.map((s) => s.name).join(", ")}`)
  return span!
}

describe("Tracing", () => {
  it.effect("parses W3C trace context, rejecting invalid values", () =>
    Effect.sync(() => {
      const parent = Tracing.parseTraceparent(TRACEPARENT, TRACESTATE)
      assert.isTrue(Option.isSome(parent))
      const span = Option.getOrThrow(parent)
      assert.strictEqual(span.traceId, TRACE_ID)
      assert.strictEqual(span.spanId, PARENT_ID)
      assert.isTrue(span.sampled)
      assert.isTrue(Option.isSome(Tracing.parentFromMeta({ traceparent: TRACEPARENT })))
      assert.isTrue(Option.isSome(Tracing.parentFromHeaders({ traceparent: TRACEPARENT, tracestate: ["a=1", "b=2"] })))
      assert.isFalse(Option.getOrThrow(Tracing.parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)).sampled)
      for (
        const bad of [
          undefined,
          "",
          "garbage",
          `00-${"0".repeat(32)}-${PARENT_ID}-01`,
          `00-${TRACE_ID}-${"0".repeat(16)}-01`,
          `ff-${TRACE_ID}-${PARENT_ID}-01`
        ]
      ) {
        assert.isTrue(Option.isNone(Tracing.parseTraceparent(bad)), `accepted ${bad}`)
      }
      assert.isTrue(Option.isNone(Tracing.parentFromMeta({ traceparent: 42 })))
      assert.isTrue(Option.isNone(Tracing.parentFromMeta(undefined)))
    }))

  it.effect("a span run under withParentFromTraceparent has the remote parent and its trace state", () =>
    Effect.gen(function*() {
      const { spans } = yield* traced(
        Effect.void.pipe(
          Effect.withSpan("handler"),
          Tracing.withParentFromTraceparent(TRACEPARENT, TRACESTATE)
        )
      )
      const span = byName(spans, "handler")
      assert.strictEqual(span.spanContext().traceId, TRACE_ID)
      assert.strictEqual(span.parentSpanContext?.spanId, PARENT_ID)
      assert.strictEqual(span.parentSpanContext?.traceId, TRACE_ID)
      assert.isTrue(span.parentSpanContext?.isRemote)
      assert.strictEqual(span.spanContext().traceState?.serialize(), TRACESTATE)
    }))

  it.effect("withParentFromTraceparent is a no-op without a valid header", () =>
    Effect.gen(function*() {
      const { spans } = yield* traced(
        Effect.void.pipe(Effect.withSpan("root"), Tracing.withParentFromTraceparent("nonsense"))
      )
      const span = byName(spans, "root")
      assert.isUndefined(span.parentSpanContext)
      assert.notStrictEqual(span.spanContext().traceId, TRACE_ID)
    }))

  it.effect("withRequestSpan: server span named and attributed per the MCP conventions, children inside", () =>
    Effect.gen(function*() {
      const { result, spans } = yield* traced(
        Effect.succeed(3).pipe(
          Effect.withSpan("add.handler"),
          Tracing.withRequestSpan({
            method: "tools/call",
            tool: "add",
            requestId: 7,
            sessionId: "s-1",
            protocolVersion: "2025-06-18",
            transport: "tcp",
            traceparent: TRACEPARENT,
            tracestate: TRACESTATE
          }),
          Effect.withSpan("http.request")
        )
      )
      assert.strictEqual(result, 3)
      const request = byName(spans, "tools/call add")
      const child = byName(spans, "add.handler")
      const http = byName(spans, "http.request")
      assert.strictEqual(request.kind, 1 /* SpanKind.SERVER */)
      assert.deepInclude(request.attributes, {
        [Tracing.ATTR_MCP_METHOD_NAME]: "tools/call",
        [Tracing.ATTR_GEN_AI_TOOL_NAME]: "add",
        [Tracing.ATTR_GEN_AI_OPERATION_NAME]: "execute_tool",
        [Tracing.ATTR_JSONRPC_REQUEST_ID]: "7",
        [Tracing.ATTR_MCP_SESSION_ID]: "s-1",
        [Tracing.ATTR_MCP_PROTOCOL_VERSION]: "2025-06-18",
        [Tracing.ATTR_NETWORK_TRANSPORT]: "tcp"
      })
      // the _meta context is the parent; the ambient transport span is linked
      assert.strictEqual(request.spanContext().traceId, TRACE_ID)
      assert.strictEqual(request.parentSpanContext?.spanId, PARENT_ID)
      assert.strictEqual(request.links.length, 1)
      assert.strictEqual(request.links[0].context.spanId, http.spanContext().spanId)
      assert.strictEqual(child.parentSpanContext?.spanId, request.spanContext().spanId)
      assert.strictEqual(resource(request)["service.name"], "tracing-test")
    }))

  it.effect("withRequestSpan: failures set error.type and an error status", () =>
    Effect.gen(function*() {
      class ToolFailed {
        readonly _tag = "ToolFailed"
      }
      const { spans } = yield* traced(
        Effect.exit(Effect.fail(new ToolFailed()).pipe(Tracing.withRequestSpan({ method: "prompts/get", prompt: "summary" })))
      )
      const span = byName(spans, "prompts/get summary")
      assert.strictEqual(span.attributes[Tracing.ATTR_ERROR_TYPE], "ToolFailed")
      assert.strictEqual(span.attributes[Tracing.ATTR_GEN_AI_PROMPT_NAME], "summary")
      assert.strictEqual(span.status.code, 2 /* SpanStatusCode.ERROR */)
      assert.isUndefined(span.parentSpanContext)
    }))

  it.live("exporter otlp posts OTLP/HTTP JSON to the collector, flushed when the layer is released", () =>
    Effect.gen(function*() {
      const received: Array<{ url: string | undefined; auth: string | undefined; body: string }> = []
      const server = Http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          received.push({ url: req.url, auth: req.headers.authorization, body: Buffer.concat(chunks).toString("utf8") })
          res.writeHead(200, { "content-type": "application/json" }).end("{}")
        })
      })
      const port = yield* Effect.acquireRelease(
        Effect.async<number>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as Net.AddressInfo).port)))
        }),
        () =>
          Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
          })
      )
      yield* Effect.void.pipe(
        Tracing.withRequestSpan({ method: "tools/call", tool: "add", traceparent: TRACEPARENT }),
        Effect.provide(Tracing.layer({
          serviceName: "otlp-test",
          exporter: "otlp",
          otlp: { url: `http://127.0.0.1:${port}/v1/traces`, headers: { authorization: Redacted.make("Bearer t0ken") } }
        }))
      )
      assert.isAtLeast(received.length, 1)
      const request = received[0]
      assert.strictEqual(request.url, "/v1/traces")
      assert.strictEqual(request.auth, "Bearer t0ken")
      const body = JSON.parse(request.body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }
          scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; parentSpanId: string }> }>
        }>
      }
      const resourceSpans = body.resourceSpans[0]
      assert.include(
        resourceSpans.resource.attributes.map((a) => `${a.key}=${a.value.stringValue}`),
        "service.name=otlp-test"
      )
      const span = resourceSpans.scopeSpans[0].spans[0]
      assert.strictEqual(span.name, "tools/call add")
      assert.strictEqual(span.traceId, TRACE_ID)
      assert.strictEqual(span.parentSpanId, PARENT_ID)
    }).pipe(Effect.scoped))

  it.effect("exporter none installs nothing", () =>
    Effect.gen(function*() {
      const layer = Tracing.layer({ serviceName: "x", exporter: "none" })
      assert.strictEqual(layer, Layer.empty)
      assert.strictEqual(Tracing.spanName({ method: "tools/list" }), "tools/list")
    }))
})

function resource(span: ReadableSpan): Record<string, unknown> {
  return span.resource.attributes
}

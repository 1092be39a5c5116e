/**
 * Scenario 7: our server with the production middleware stack, layer by layer.
 *
 * The demo's `echo` tool (examples/demo/server.ts) over stateless Streamable HTTP, as in
 * scenario 1, with the layers named in STACK (comma-separated, any order; empty = bare):
 *
 *   metrics    Metrics.layerPrometheus + Metrics.layerMcp (every request recorded)
 *   tracing    Tracing.layer with a no-op SpanExporter + Tracing.layerMcp: a real
 *              OpenTelemetry SDK span per request (BatchSpanProcessor), exported nowhere
 *   ratelimit  RateLimit.layer (memory store), BENCH_RATE_LIMIT per minute (default 1e9:
 *              never triggers, but every tools/call takes a token)
 *   auth       Auth.layerJwt with the public JWK set in BENCH_JWKS (JSON), resource
 *              http://HOST:PORT/mcp, issuer BENCH_ISSUER, scope BENCH_SCOPE if set
 *
 * Environment: PORT, HOST (default 127.0.0.1), STACK, BENCH_JWKS (required with auth),
 * BENCH_ISSUER, BENCH_SCOPE, BENCH_RATE_LIMIT, BENCH_SPAN_PROCESSOR (batch, the default, or
 * simple: each span exported as it ends, for the smoke check).
 *
 * GET /bench/stats (the transport's fallback) answers {"stack", "spans", "toolCalls"}:
 * spans handed to the exporter and tools/call requests counted by the metrics, so the
 * harness can check that the layers really ran. Only ours (ours-stack) serves it.
 *
 * Built like the other `ours` entries: bundled by esbuild with the root tsconfig (which maps
 * turbomcp-server to src/), packages resolved from the root node_modules.
 */
import { NodeRuntime } from "@effect/platform-node"
import { ExportResultCode, type ExportResult } from "@opentelemetry/core"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, Option } from "effect"
import type { JSONWebKeySet } from "jose"
import { Auth, Http, Lifecycle, McpServer, Metrics, RateLimit, Tracing } from "turbomcp-server"
import { Echo, ServerLive } from "../../examples/demo/server.js"

// Also in bench/lib/contenders.ts (STACK_LAYERS), which the harness reads.
const STACK_LAYERS = ["metrics", "tracing", "ratelimit", "auth"] as const
type StackLayer = (typeof STACK_LAYERS)[number]

const stack = new Set(
  (process.env.STACK ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0)
)
for (const name of stack) {
  if (!(STACK_LAYERS as ReadonlyArray<string>).includes(name)) {
    throw new Error(`STACK: unknown layer ${JSON.stringify(name)} (known: ${STACK_LAYERS.join(", ")})`)
  }
}
const has = (name: StackLayer): boolean => stack.has(name)

const host = process.env.HOST ?? "127.0.0.1"
const port = Number(process.env.PORT ?? 3000)
const resource = `http://${host}:${port}/mcp`

/** Takes every span and drops it: the SDK still creates, records, ends and batches it. */
class DiscardingExporter implements SpanExporter {
  spans = 0
  export(spans: Array<ReadableSpan>, resultCallback: (result: ExportResult) => void): void {
    this.spans += spans.length
    resultCallback({ code: ExportResultCode.SUCCESS })
  }
  shutdown(): Promise<void> {
    return Promise.resolve()
  }
  forceFlush(): Promise<void> {
    return Promise.resolve()
  }
}
const exporter = new DiscardingExporter()

/** Sum of turbomcp_server_requests_total over the tools/call series of a Prometheus scrape. */
const toolCallsIn = (text: string): number =>
  text
    .split("\n")
    .filter((line) => line.startsWith("turbomcp_server_requests_total{") && line.includes(`method="tools/call"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0)

const HttpLive = Layer.unwrapEffect(
  Effect.map(Effect.serviceOption(Metrics.Prometheus), (prometheus) =>
    Http.layer({
      host,
      port,
      sessions: false,
      fallback: (req, res) => {
        if (req.method !== "GET" || req.url !== "/bench/stats") {
          res.writeHead(404).end()
          return
        }
        const scrape = Option.match(prometheus, {
          onNone: () => Promise.resolve(null),
          onSome: (p) => Effect.runPromise(Effect.map(p.scrape, toolCallsIn))
        })
        scrape.then(
          (toolCalls) => {
            res.writeHead(200, { "content-type": "application/json" })
            res.end(JSON.stringify({ stack: [...stack], spans: has("tracing") ? exporter.spans : null, toolCalls }))
          },
          (error: unknown) => {
            res.writeHead(500, { "content-type": "text/plain" }).end(String(error))
          }
        )
      }
    }))
)

const jwks = (): JSONWebKeySet => {
  const raw = process.env.BENCH_JWKS
  if (raw === undefined || raw === "") throw new Error("STACK includes auth: BENCH_JWKS (the public JWK set, JSON) is required")
  return JSON.parse(raw) as JSONWebKeySet
}

// Metrics.layerMcp needs the McpMetrics that layerPrometheus provides; both follow the one
// flag, so without metrics neither is there. The type of the absent pair says otherwise.
const PrometheusLive = has("metrics")
  ? Metrics.layerPrometheus({ serviceName: "turbomcp-bench" })
  : (Layer.empty as unknown as ReturnType<typeof Metrics.layerPrometheus>)

const scope = process.env.BENCH_SCOPE
const issuer = process.env.BENCH_ISSUER

// Later `Layer.provide`s are built first, so their middleware runs further out: tracing
// outermost (a rate-limited request still gets its span), then the metrics observer, then
// the rate limit; auth runs in the transport, before any of them.
const Main = HttpLive.pipe(
  Layer.provide(McpServer.tools(Echo)),
  Layer.provide(has("ratelimit")
    ? RateLimit.layer({ limit: Number(process.env.BENCH_RATE_LIMIT ?? 1e9), window: "1 minute" })
    : Layer.empty),
  Layer.provide(has("metrics") ? Metrics.layerMcp : Layer.empty),
  Layer.provide(has("tracing") ? Tracing.layerMcp : Layer.empty),
  Layer.provide(ServerLive),
  Layer.provide(has("auth")
    ? Auth.layerJwt({
      resource,
      ...(issuer === undefined || issuer === "" ? {} : { issuer }),
      jwks: jwks(),
      ...(scope === undefined || scope === "" ? {} : { requiredScopes: [scope] })
    })
    : Layer.empty),
  Layer.provide(PrometheusLive),
  Layer.provide(has("tracing")
    ? Tracing.layer({
      serviceName: "turbomcp-bench",
      exporter,
      // The production default, batch; the smoke check asks for simple to see its span at once.
      spanProcessor: process.env.BENCH_SPAN_PROCESSOR === "simple" ? "simple" : "batch"
    })
    : Layer.empty)
)

NodeRuntime.runMain(Lifecycle.launch(Main))

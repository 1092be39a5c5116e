// examples/tracing.ts: a span per MCP request, exported over OTLP/HTTP (or to the console), its parent taken from `_meta.traceparent` or the `traceparent` header.
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { Http, Lifecycle, McpServer, Tool, Tracing } from "turbomcp-server"

const Lookup = Tool.make("lookup", {
  description: "Look a record up by id",
  parameters: { id: Schema.Number }
}).handle(({ id }) =>
  // A span of the handler's own: a child of the request span.
  Effect.succeed(`record ${id}`).pipe(Effect.withSpan("db.query", { attributes: { "db.system.name": "postgresql" } }))
)

const otlpUrl = process.env.OTLP_URL // e.g. http://127.0.0.1:4318/v1/traces (an OpenTelemetry collector)
const TracingLive = Tracing.layer({
  serviceName: "lookup",
  serviceVersion: "1.0.0",
  exporter: otlpUrl === undefined ? "console" : "otlp",
  otlp: { url: otlpUrl }
})

const Main = Http.layer({ port: Number(process.env.PORT ?? 3000) }).pipe(
  Layer.provide(Tracing.layerMcp),
  Layer.provide(McpServer.tools(Lookup)),
  Layer.provide(McpServer.layer({ name: "lookup", version: "1.0.0" })),
  Layer.provide(TracingLive) // beneath the endpoint: request fibers export through it; flushed at shutdown
)

NodeRuntime.runMain(Lifecycle.launch(Main))

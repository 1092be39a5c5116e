// examples/management.ts: health checks, Prometheus metrics, status and redacted config on a separate management port.
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Redacted, Schema } from "effect"
import { Health, Http, Lifecycle, Management, McpServer, Metrics, Tool } from "turbomcp-server"

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: { a: Schema.Number, b: Schema.Number }
}).handle(({ a, b }) => Effect.succeed(String(a + b)))

const ServerLive = McpServer.layer({
  name: "calc",
  version: "1.0.0",
  requestStateKey: Redacted.make(process.env.REQUEST_STATE_KEY ?? "dev-only-key")
})

// The management routes on their own port, for the load balancer and Prometheus only:
// /health/live, /health/ready, /metrics and /metrics/json (basic auth), /status, /config.
const ManagementLive = Management.layer({
  port: Number(process.env.MANAGEMENT_PORT ?? 9464),
  metricsAuth: { username: "prometheus", password: Redacted.make(process.env.METRICS_PASSWORD ?? "change-me") },
  status: Effect.map(McpServer.McpServer, (server) => ({
    sessions: server.sessionCount(),
    listeners: server.listenerCount()
  })),
  // Shown with its secrets redacted.
  config: Effect.map(McpServer.McpServer, (server) => ({
    server: server.options,
    database: { url: process.env.DATABASE_URL ?? "postgres://calc:dev-password@127.0.0.1:5432/calc" }
  }))
})

const Checks = Layer.mergeAll(
  Health.checkScoped("event-loop", Health.eventLoopDelay(), { liveness: true }),
  Health.check("disk", Health.diskSpace("."), { critical: false })
)

// Provided to the MCP endpoint, the management server is built before it and closed after it:
// readiness answers 503 for the whole drain.
const Main = Http.layer({ port: Number(process.env.PORT ?? 3000) }).pipe(
  Layer.provide(ManagementLive),
  Layer.provide(Metrics.layerMcp),
  Layer.provide(McpServer.tools(Add)),
  Layer.provide(ServerLive),
  Layer.provide(Checks),
  Layer.provide(Health.layer()),
  Layer.provide(Metrics.layerPrometheus({ serviceName: "calc", serviceVersion: "1.0.0" }))
)

NodeRuntime.runMain(Lifecycle.launch(Main))

// One module per import (the package indexes load every module of the package): start-up time.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Health, Http, Lifecycle, Management, McpServer, Metrics, Tracing } from "turbomcp-server"
import { DemoLive, ServerLive } from "./server.js"

// HOST and PORT override the address; MCP_STATELESS=1 serves without sessions;
// MCP_MAX_SESSIONS raises the session limit (default 10,000);
// OTLP_URL (e.g. http://127.0.0.1:4318/v1/traces) exports a span per request.
// Next to /mcp, on the same port: /health/live, /health/ready, /metrics, /metrics/json, /status.
const HttpLive = Layer.unwrapEffect(
  Effect.map(Management.ManagementHandler, (management) =>
    Http.layer({
      host: process.env.HOST ?? "127.0.0.1",
      port: Number(process.env.PORT ?? 3000),
      sessions: process.env.MCP_STATELESS !== "1",
      ...(process.env.MCP_MAX_SESSIONS === undefined ? {} : { maxSessions: Number(process.env.MCP_MAX_SESSIONS) }),
      fallback: management.handle
    }))
)

const ManagementLive = Management.layerNodeHandler({
  status: Effect.map(McpServer.McpServer, (server) => ({
    name: server.options.name,
    version: server.options.version,
    sessions: server.sessionCount()
  }))
})

const otlpUrl = process.env.OTLP_URL
const TracingLive = otlpUrl === undefined
  ? Layer.empty
  : Tracing.layer({ serviceName: "turbomcp-demo", exporter: "otlp", otlp: { url: otlpUrl } })

const Checks = Health.checkScoped("event-loop", Health.eventLoopDelay(), { liveness: true })

// Later `Layer.provide`s are built first: tracing registers its middleware before metrics,
// so it runs outermost.
const Main = HttpLive.pipe(
  Layer.provide(ManagementLive),
  Layer.provide(Metrics.layerMcp),
  Layer.provide(otlpUrl === undefined ? Layer.empty : Tracing.layerMcp),
  Layer.provide(DemoLive),
  Layer.provide(ServerLive),
  Layer.provide(Checks),
  Layer.provide(Health.layer()),
  Layer.provide(Metrics.layerPrometheus({ serviceName: "turbomcp-demo" })),
  Layer.provide(TracingLive)
)

NodeRuntime.runMain(Lifecycle.launch(Main))

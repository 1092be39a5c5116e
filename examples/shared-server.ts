// examples/shared-server.ts: a SharedServer handle that a dashboard and a monitor read while the server runs, and that stops it.
import { HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Option, Redacted, Schedule, Schema } from "effect"
import { createServer } from "node:http"
import { Health, Http, McpServer, Metrics, SharedServer, Tool } from "turbomcp-server"

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: { a: Schema.Number, b: Schema.Number }
}).handle(({ a, b }) => Effect.succeed(String(a + b)))

// The server, with the services the handle reads among its outputs.
const Main = Http.layerEndpoint({ port: Number(process.env.PORT ?? 3000) }).pipe(
  Layer.provide(Metrics.layerMcp),
  Layer.provide(McpServer.tools(Add)),
  Layer.provideMerge(McpServer.layer({ name: "calc", version: "1.0.0" })),
  Layer.provideMerge(Health.layer()),
  Layer.provide(Metrics.layerPrometheus())
)

// A dashboard on its own port that reads the running server through the handle, and can stop it.
const dashboard = (server: SharedServer.SharedServer<never>) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/status", Effect.flatMap(server.status, (status) => HttpServerResponse.json(status))),
    HttpRouter.get(
      "/health",
      Effect.map(server.health, (report) =>
        Option.match(report, {
          onNone: () => HttpServerResponse.unsafeJson({ status: "stopped" }, { status: 503 }),
          onSome: (report) =>
            HttpServerResponse.unsafeJson(Health.toJson(report), { status: report.status._tag === "Unhealthy" ? 503 : 200 })
        }))
    ),
    HttpRouter.get("/config", Effect.map(server.config, (config) => HttpServerResponse.unsafeJson(Option.getOrNull(config)))),
    HttpRouter.get("/metrics", Effect.map(server.metrics, (metrics) => HttpServerResponse.unsafeJson(Option.getOrElse(metrics, () => [])))),
    // Starts the graceful shutdown and answers at once: `shutdown` would wait for the drain.
    HttpRouter.post("/shutdown", Effect.as(server.requestShutdown, HttpServerResponse.empty({ status: 202 }))),
    HttpServer.serve(),
    Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.DASHBOARD_PORT ?? 3001) }))
  )

const program = Effect.gen(function*() {
  const server = yield* SharedServer.make(Main, {
    config: { database: { url: "postgres://calc:hunter2@127.0.0.1:5432/calc" }, apiKey: Redacted.make("k-123") }
  })
  yield* Layer.launch(dashboard(server)).pipe(Effect.forkScoped)
  // A monitor in its own fiber: the handle is shared, nothing is locked.
  yield* server.status.pipe(
    Effect.flatMap((status) => Effect.log(`state=${status.state} sessions=${status.sessions ?? 0}`)),
    Effect.repeat(Schedule.spaced("30 seconds")),
    Effect.forkScoped
  )
  // Runs until POST /shutdown or SIGTERM; then the dashboard closes too.
  yield* server.run
  yield* Effect.log(`stopped: ${(yield* server.state)._tag}`)
})

NodeRuntime.runMain(Effect.scoped(program))

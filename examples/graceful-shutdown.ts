// examples/graceful-shutdown.ts: on SIGTERM, readiness turns 503 at once, calls in flight finish, new ones get 503, exit code 0.
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { Health, Http, Lifecycle, Management, McpServer, Tool } from "turbomcp-server"

const Slow = Tool.make("slow", {
  description: "Answer after ms milliseconds",
  parameters: { ms: Schema.Int.pipe(Schema.between(0, 600_000)) }
}).handle(({ ms }) => Effect.as(Effect.sleep(ms), `done after ${ms} ms`))

// /mcp, and the health routes on the same port.
const HttpLive = Layer.unwrapEffect(
  Effect.map(Management.ManagementHandler, (management) =>
    Http.layer({
      port: Number(process.env.PORT ?? 3000),
      drainTimeout: `${Number(process.env.DRAIN_TIMEOUT_MS ?? 30_000)} millis`,
      fallback: management.handle
    }))
)

const Announce = Layer.scopedDiscard(Lifecycle.onDrain(Effect.log("Draining: finishing the requests in flight")))

const Main = HttpLive.pipe(
  Layer.provide(Management.layerNodeHandler()),
  Layer.provide(McpServer.tools(Slow)),
  Layer.provide(McpServer.layer({ name: "graceful", version: "1.0.0" })),
  Layer.provide(Announce),
  Layer.provide(Health.layer())
)

// On SIGTERM or SIGINT: /health/ready turns 503 at once, new MCP requests get 503, the calls
// in flight finish (those still running after DRAIN_TIMEOUT_MS are interrupted), sessions end,
// the socket closes, and the process exits with code 0.
NodeRuntime.runMain(Lifecycle.launch(Main))

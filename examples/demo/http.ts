import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { Http, Lifecycle } from "turbomcp-server"
import { DemoLive, ServerLive } from "./server.js"

// HOST and PORT override the address; MCP_STATELESS=1 serves without sessions.
const Main = Http.layer({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
  sessions: process.env.MCP_STATELESS !== "1"
}).pipe(Layer.provide(DemoLive), Layer.provide(ServerLive))

NodeRuntime.runMain(Lifecycle.launch(Main))

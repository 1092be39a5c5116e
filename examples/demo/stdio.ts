import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { Lifecycle, Stdio } from "turbomcp-server"
import { DemoLive, ServerLive } from "./server.js"

const Main = Stdio.layer().pipe(Layer.provide(DemoLive), Layer.provide(ServerLive))

NodeRuntime.runMain(Lifecycle.launch(Main))

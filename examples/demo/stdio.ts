// One module per import (the package indexes load every module of the package): start-up time.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Layer from "effect/Layer"
import { Lifecycle, Stdio } from "turbomcp-server"
import { DemoLive, ServerLive } from "./server.js"

const Main = Stdio.layer().pipe(Layer.provide(DemoLive), Layer.provide(ServerLive))

NodeRuntime.runMain(Lifecycle.launch(Main))

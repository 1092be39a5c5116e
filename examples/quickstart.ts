// examples/quickstart.ts: a first tool, served on Streamable HTTP (stdio with --stdio).
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { Http, Lifecycle, McpServer, Stdio, Tool } from "turbomcp-server"

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: { a: Schema.Number, b: Schema.Number },
  success: Schema.Struct({ result: Schema.Number })
}).handle(({ a, b }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.log.info(`adding ${a} and ${b}`)
    return { result: a + b }
  })
)

const Transport = process.argv.includes("--stdio")
  ? Stdio.layer()
  : Http.layer({ port: Number(process.env.PORT ?? 3000) })

const Main = Transport.pipe(
  Layer.provide(McpServer.tools(Add)),
  Layer.provide(McpServer.layer({ name: "calculator", version: "1.0.0" }))
)

NodeRuntime.runMain(Lifecycle.launch(Main))

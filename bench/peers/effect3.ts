/**
 * Effect 3's own McpServer (@effect/ai), as its docs show: a Toolkit registered with
 * McpServer.toolkit, McpServer.layerHttp on HttpRouter.Default served by NodeHttpServer,
 * or McpServer.layerStdio, launched with NodeRuntime.runMain.
 * It has no Mcp-Session-Id sessions: every HTTP request is its own client.
 */
import { McpServer, Tool, Toolkit } from "@effect/ai"
import { HttpRouter } from "@effect/platform"
import { NodeHttpServer, NodeRuntime, NodeSink, NodeStream } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { createServer } from "node:http"
import { ECHO_DESCRIPTION, SERVER_INFO, extraToolDescription, extraToolNames, readConfig } from "./common.ts"

const config = readConfig()
const parameters = { text: Schema.String }

const tools = [
  Tool.make("echo", { description: ECHO_DESCRIPTION, parameters, success: Schema.String }),
  ...extraToolNames(config.extraTools).map((name) =>
    Tool.make(name, { description: extraToolDescription(name), parameters, success: Schema.String })
  )
]
// The tool list is built at run time, so the toolkit is typed loosely here.
const toolkit = Toolkit.make(...tools) as unknown as Toolkit.Toolkit<Record<string, Tool.Any>>
const echo = ({ text }: { readonly text: string }) => Effect.succeed(text)
const handlers = toolkit.toLayer(Object.fromEntries(tools.map((tool) => [tool.name, echo])) as never)

const transport = config.transport === "stdio"
  ? McpServer.layerStdio({ ...SERVER_INFO, stdin: NodeStream.stdin, stdout: NodeSink.stdout })
  : McpServer.layerHttp({ ...SERVER_INFO, path: "/mcp" })

const registrations = McpServer.toolkit(toolkit).pipe(Layer.provide(handlers))

const main = config.transport === "stdio"
  ? registrations.pipe(Layer.provide(transport))
  : Layer.mergeAll(registrations, HttpRouter.Default.serve()).pipe(
    Layer.provide(transport),
    Layer.provide(NodeHttpServer.layer(createServer, { port: config.port, host: config.host }))
  )

// The loosely typed toolkit leaves the requirements as `any`; everything is provided above.
NodeRuntime.runMain(Layer.launch(main as Layer.Layer<unknown, unknown, never>))

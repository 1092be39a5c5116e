/**
 * Effect 4's McpServer (effect 4.x, `effect/ai`; it was `effect/unstable/ai` before 4.1),
 * on Node 24. One endpoint serves 2026-07-28 statelessly and 2025-era clients with
 * Mcp-Session-Id sessions (it needs a session for legacy requests, so its stateless
 * figure is a 2026-07-28 request). Wired as its docs show: McpServer.layerHttp with a
 * Toolkit registration, HttpRouter.serve on NodeHttpServer (request logger disabled),
 * or McpServer.layerStdio on NodeStdio, launched with NodeRuntime.runMain.
 */
import { NodeHttpServer, NodeRuntime, NodeStdio } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { McpProtocol, McpServer, Tool, Toolkit } from "effect/ai"
import { HttpRouter } from "effect/http"
import { createServer } from "node:http"
import { ECHO_DESCRIPTION, SERVER_INFO, extraToolDescription, extraToolNames, readConfig } from "../peers/common.ts"

const config = readConfig()
const parameters = Schema.Struct({ text: Schema.String })

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
const registrations = McpServer.toolkit(toolkit).pipe(Layer.provide(handlers))

const protocols = [
  McpProtocol.v2026_07_28,
  McpProtocol.v2025_11_25,
  McpProtocol.v2025_06_18,
  McpProtocol.v2025_03_26
] as const

const main = config.transport === "stdio"
  ? McpServer.layerStdio({ ...SERVER_INFO, protocols, registrations }).pipe(Layer.provide(NodeStdio.layer))
  : HttpRouter.serve(McpServer.layerHttp({ ...SERVER_INFO, path: "/mcp", protocols, registrations }), {
    disableLogger: true,
    disableListenLog: true
  }).pipe(Layer.provide(NodeHttpServer.layer(createServer, { port: config.port, host: config.host })))

// The loosely typed toolkit leaves the requirements as `any`; everything is provided above.
NodeRuntime.runMain(Layer.launch(main as Layer.Layer<unknown, unknown, never>))

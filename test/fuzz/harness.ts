// The fuzz target: the Streamable HTTP endpoint's own logic (the code both node:http and the
// HttpApp adapters run), fed through an in-memory exchange so that hundreds of thousands of
// cases run in minutes. Every answer is collected: a JSON body, SSE events, or nothing.
import { Effect, Layer, Logger, ManagedRuntime, Schema } from "effect"
import { EventStore, McpServer, Prompt, Resource, Tool } from "../../src/index.js"
import type { Exchange, SseSink } from "../../src/transport/internal/exchange.js"
import * as HttpInternal from "../../src/transport/internal/http.js"
import * as StreamableHttp from "../../src/transport/internal/streamableHttp.js"

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string>
  /** The JSON body, or the data of every SSE event, in order. */
  readonly bodies: ReadonlyArray<string>
}

const Echo = Tool.make("echo", { parameters: { text: Schema.String } }).handle(({ text }) => Effect.succeed(text))
const Add = Tool.make("add", {
  parameters: { a: Schema.Number, b: Schema.Number },
  success: Schema.Struct({ sum: Schema.Number })
}).handle(({ a, b }) => Effect.succeed({ sum: a + b }))
const Fail = Tool.make("fail").handle(() => Effect.fail("expected failure"))
const Progress = Tool.make("progress").handle(() =>
  Effect.flatMap(McpServer.Context, (ctx) => Effect.as(ctx.progress(1, { total: 1 }), "done"))
)
const Readme = Resource.make({ uri: "demo://readme", name: "readme" }).handle(Effect.succeed("# readme"))
const Colors = Resource.template({ uriTemplate: "demo://colors/{name}", name: "colors" }).handle((variables) =>
  Effect.succeed(JSON.stringify(variables))
)
const Review = Prompt.make("review", { arguments: { code: Schema.String } }).handle(({ code }) =>
  Effect.succeed(`Review ${code}`)
)

export interface Target {
  /** One POST to /mcp (or another method/path), answered in memory. */
  readonly send: (request: { readonly method?: string; readonly path?: string; readonly headers: Record<string, string>; readonly body: string }) => Promise<Answer>
  /** Log lines the server wrote at error level: defects. */
  readonly defects: Array<string>
  readonly dispose: () => Promise<void>
}

export const makeTarget = async (): Promise<Target> => {
  const defects: Array<string> = []
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(McpServer.tools(Echo, Add, Fail, Progress), McpServer.resources(Readme, Colors), McpServer.prompts(Review)).pipe(
      Layer.provideMerge(McpServer.layer({ name: "fuzz", version: "1.0.0" })),
      Layer.provideMerge(EventStore.layerMemory()),
      Layer.provide(Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          if (logLevel._tag === "Error" || logLevel._tag === "Fatal") {
            defects.push(Array.isArray(message) ? message.join(" ") : String(message))
          }
        })
      ))
    )
  )
  const endpoint = await runtime.runPromise(Effect.gen(function*() {
    const server = yield* McpServer.McpServer
    const eventStore = yield* EventStore.EventStore
    const rt = yield* Effect.runtime<never>()
    return StreamableHttp.make({ server, runtime: rt, eventStore, config: HttpInternal.config({ keepAlive: "1 hour" }) })
  }))
  const send: Target["send"] = (request) =>
    new Promise((resolve) => {
      const bodies: Array<string> = []
      let settled = false
      const finish = (status: number, headers: Record<string, string>) => {
        if (settled) return
        settled = true
        resolve({ status, headers, bodies })
      }
      const lowered: Record<string, string> = {}
      for (const [k, v] of Object.entries(request.headers)) lowered[k.toLowerCase()] = v
      let streamStatus: { status: number; headers: Record<string, string> } | undefined
      const exchange: Exchange = {
        method: request.method ?? "POST",
        path: request.path ?? "/mcp",
        query: new URLSearchParams(),
        header: (name) => lowered[name],
        readBody: (limit, done) => done(Buffer.byteLength(request.body) > limit ? "too-large" : request.body),
        respond: (status, headers, body) => {
          if (body !== undefined) bodies.push(body)
          finish(status, headers)
        },
        openStream: (headers): SseSink => {
          streamStatus = { status: 200, headers }
          let buffer = ""
          return {
            write: (chunk) => {
              buffer += chunk
              let split = buffer.indexOf("\n\n")
              while (split >= 0) {
                const data = buffer.slice(0, split).split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n")
                if (data !== "") bodies.push(data)
                buffer = buffer.slice(split + 2)
                split = buffer.indexOf("\n\n")
              }
            },
            end: () => finish(streamStatus!.status, streamStatus!.headers)
          }
        },
        onAbort: () => {}
      }
      if (!endpoint.handle(exchange)) finish(404, {})
    })
  return { send, defects, dispose: () => runtime.dispose() }
}

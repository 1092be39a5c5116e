/**
 * The demo server: what `npm start` (HTTP) and `npm run start:stdio` serve. Written
 * with the public API only. Tests and benchmarks rely on these names.
 */
// One module per import (not the `effect` index, which loads every module): start-up time.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Completion, McpServer, Prompt, Registry, Resource, Tool } from "turbomcp-server"

export const Echo = Tool.make("echo", {
  description: "Echo the text back",
  parameters: { text: Schema.String.annotations({ description: "Text to echo" }) },
  annotations: { readOnlyHint: true }
}).handle(({ text }) => Effect.succeed(text))

export const Add = Tool.make("add", {
  title: "Add",
  description: "Add two numbers",
  parameters: { a: Schema.Number, b: Schema.Number },
  success: Schema.Struct({ result: Schema.Number })
}).handle(({ a, b }) => Effect.succeed({ result: a + b }))

export const Sleep = Tool.make("sleep", {
  description: "Sleep for ms milliseconds, reporting progress every 100 ms; cancellable",
  parameters: { ms: Schema.Int.pipe(Schema.between(0, 600_000)) }
}).handle(({ ms }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const steps = Math.ceil(ms / 100)
    for (let step = 1; step <= steps; step++) {
      yield* Effect.sleep(Math.min(100, ms - (step - 1) * 100))
      yield* ctx.progress(step, { total: steps, message: `slept ${Math.min(step * 100, ms)} ms` })
    }
    return `slept ${ms} ms`
  })
)

export const Ask = Tool.make("ask", {
  description: "Ask the user for a value (elicitation)",
  parameters: { question: Schema.optional(Schema.String) }
}).handle(({ question }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit(
      question ?? "What is your name?",
      Schema.Struct({ value: Schema.String.annotations({ description: "Your answer" }) })
    )
    return answer.action === "accept" ? `You said: ${answer.content.value}` : `No answer (${answer.action})`
  })
)

export const Summarize = Tool.make("summarize", {
  description: "Ask the client's model to summarize a text (sampling)",
  parameters: { text: Schema.String }
}).handle(({ text }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const result = yield* ctx.sample({
      messages: [{ role: "user", content: { type: "text", text: `Summarize: ${text}` } }],
      maxTokens: 100
    })
    const content = result.content as { readonly type?: string; readonly text?: string }
    return content.type === "text" ? content.text ?? "" : JSON.stringify(result.content)
  })
)

export const Roots = Tool.make("roots", {
  description: "List the client's roots"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const roots = yield* ctx.listRoots
    return roots.map((root) => root.uri).join("\n")
  })
)

export const Log = Tool.make("log", {
  description: "Send a log message at each level",
  parameters: { message: Schema.String }
}).handle(({ message }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.log.debug(`debug: ${message}`)
    yield* ctx.log.info(`info: ${message}`)
    yield* ctx.log.warning(`warning: ${message}`)
    yield* ctx.log.error(`error: ${message}`)
    return "logged"
  })
)

const Greeting = Tool.make("greet", {
  description: "Say hello (registered at run time by add_tool)",
  parameters: { name: Schema.String }
}).handle(({ name }) => Effect.succeed(`Hello, ${name}!`))

export const AddTool = Tool.make("add_tool", {
  description: "Register the greet tool while the server runs (clients see tools/list_changed)"
}).handle(() => Effect.as(Registry.addTool(Greeting), "greet registered"))

export const Readme = Resource.make({
  uri: "demo://readme",
  name: "readme",
  title: "Read me",
  description: "What this server is",
  mimeType: "text/markdown"
}).handle(Effect.succeed("# TurboMCP demo\n\nTools: echo, add, sleep, ask, summarize, roots, log, add_tool."))

const colors = ["red", "green", "blue", "black", "white"]

export const Color = Resource.template({
  uriTemplate: "demo://colors/{name}",
  name: "color",
  description: "A color by name",
  mimeType: "application/json",
  complete: { name: Completion.fromList(colors) }
}).handle(({ name }) => Effect.succeed(JSON.stringify({ name, known: colors.includes(name) })))

export const Review = Prompt.make("review", {
  title: "Code review",
  description: "Review code in a language",
  arguments: {
    language: Schema.String.annotations({ description: "Programming language" }),
    code: Schema.optional(Schema.String.annotations({ description: "The code" }))
  },
  complete: { language: Completion.fromList(["typescript", "python", "rust", "go"]) }
}).handle(({ code, language }) => Effect.succeed(`Review this ${language} code:\n${code ?? "(none)"}`))

/**
 * `count` generated echo-like tools (tool_0000 ...): the benchmark's tools/list scenario
 * sets BENCH_TOOLS=1000 so every contender lists the same 1,001 tools.
 */
export const GeneratedToolsLive = (count: number) =>
  McpServer.tools(...Array.from({ length: count }, (_, i) =>
    Tool.make(`tool_${String(i).padStart(4, "0")}`, {
      description: `Generated tool ${i}: echoes its text`,
      parameters: { text: Schema.String }
    }).handle(({ text }) => Effect.succeed(text))))

/** Every definition of the demo, ready to provide to a transport layer. */
export const DemoLive = Layer.mergeAll(
  McpServer.tools(Echo, Add, Sleep, Ask, Summarize, Roots, Log, AddTool),
  McpServer.resources(Readme, Color),
  McpServer.prompts(Review),
  GeneratedToolsLive(Number(process.env.BENCH_TOOLS ?? 0))
)

export const ServerLive = McpServer.layer({
  name: "turbomcp-demo",
  version: "0.1.0",
  instructions: "A demo of TurboMCP Server for Effect."
})

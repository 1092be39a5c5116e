/**
 * The server the official MCP conformance suite (`@modelcontextprotocol/conformance`) drives:
 * every tool, resource, template, prompt and completion its server scenarios call, with the
 * names and behaviours they expect. Written with the public API only, as a user would.
 *
 *   npm run conformance:server              # serves http://127.0.0.1:3001/mcp (PORT, HOST override)
 *   npm run conformance                     # starts it on a free port and runs the suite
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { Completion, Http, Lifecycle, McpContext, McpError, McpServer, Prompt, Registry, Resource, Tool } from "turbomcp-server"

/** A 1×1 red PNG. */
const IMG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
/** A minimal WAV file. */
const WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="

/** The text of a sampling answer. */
const textOf = (result: { readonly content: unknown }) => {
  const content = result.content as { readonly type?: string; readonly text?: string }
  return content.type === "text" ? content.text ?? "" : JSON.stringify(result.content)
}
/** The content of an accepted elicitation. */
const accepted = <A>(answer: { readonly action: string; readonly content?: A }): A | undefined =>
  answer.action === "accept" ? answer.content : undefined

// --- tools: content -----------------------------------------------------------------------------

// First in tools/list on purpose: the header-validation scenarios call tools[0] with `{}`.
const SimpleText = Tool.make("test_simple_text", {
  description: "Tests simple text content response"
}).handle(() => Effect.succeed("This is a simple text response for testing."))

const ImageContent = Tool.make("test_image_content", {
  description: "Tests image content response"
}).handle(() => Effect.succeed({ type: "image" as const, data: IMG, mimeType: "image/png" }))

const AudioContent = Tool.make("test_audio_content", {
  description: "Tests audio content response"
}).handle(() => Effect.succeed({ type: "audio" as const, data: WAV, mimeType: "audio/wav" }))

const EmbeddedResource = Tool.make("test_embedded_resource", {
  description: "Tests embedded resource content response"
}).handle(() =>
  Effect.succeed({
    type: "resource" as const,
    resource: {
      uri: "test://embedded-resource",
      mimeType: "text/plain",
      text: "This is an embedded resource content."
    }
  })
)

const MultipleContentTypes = Tool.make("test_multiple_content_types", {
  description: "Tests response with multiple content types (text, image, resource)"
}).handle(() =>
  Effect.succeed([
    Tool.text("Multiple content types test:"),
    { type: "image" as const, data: IMG, mimeType: "image/png" },
    {
      type: "resource" as const,
      resource: {
        uri: "test://mixed-content-resource",
        mimeType: "application/json",
        text: JSON.stringify({ test: "data", value: 123 })
      }
    }
  ])
)

// --- tools: notifications -----------------------------------------------------------------------

const ToolWithLogging = Tool.make("test_tool_with_logging", {
  description: "Tests tool that emits log messages during execution"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.log.info("Tool execution started")
    yield* Effect.sleep("50 millis")
    yield* ctx.log.info("Tool processing data")
    yield* Effect.sleep("50 millis")
    yield* ctx.log.info("Tool execution completed")
    return "Tool with logging executed successfully"
  })
)

const ToolWithProgress = Tool.make("test_tool_with_progress", {
  description: "Tests tool that reports progress notifications"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    for (const [i, progress] of [0, 50, 100].entries()) {
      if (i > 0) yield* Effect.sleep("50 millis")
      yield* ctx.progress(progress, { total: 100, message: `Completed step ${progress} of 100` })
    }
    return String(ctx.meta.progressToken ?? "no progress token")
  })
)

const ErrorHandling = Tool.make("test_error_handling", {
  description: "Tests error response handling"
}).handle(() =>
  // A failed handler is a tool execution error (`isError: true`) the model can read, not a protocol error.
  Effect.fail("This tool intentionally returns an error for testing")
)

// SEP-1699: the server closes the response stream early; the client resumes it with
// `Last-Event-ID` and still gets the answer.
const Reconnection = Tool.make("test_reconnection", {
  description: "Tests SSE stream disconnection and client reconnection (SEP-1699)"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.closeStream
    yield* Effect.sleep("100 millis")
    return "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure."
  })
)

// --- tools: server-to-client requests -----------------------------------------------------------

const Sampling = Tool.make("test_sampling", {
  description: "Tests server-initiated sampling (LLM completion request)",
  parameters: { prompt: Schema.String.annotations({ description: "The prompt to send to the LLM" }) }
}).handle(({ prompt }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const result = yield* ctx.sample({
      messages: [{ role: "user", content: { type: "text", text: prompt } }],
      maxTokens: 100
    })
    return `LLM response: ${textOf(result)}`
  }).pipe(Effect.catchAll((error) => Effect.succeed(`Sampling not supported or error: ${error.message}`)))
)

const UserInfo = Schema.Struct({
  username: Schema.String.annotations({ description: "User's response" }),
  email: Schema.String.annotations({ description: "User's email address" })
})

const Elicitation = Tool.make("test_elicitation", {
  description: "Tests server-initiated elicitation (user input request)",
  parameters: { message: Schema.String.annotations({ description: "The message to show the user" }) }
}).handle(({ message }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit(message, UserInfo)
    const content = answer.action === "accept" ? answer.content : {}
    return `User response: action=${answer.action}, content=${JSON.stringify(content)}`
  })
)

// SEP-1034: every primitive field may carry a default.
const ProfileWithDefaults = Schema.Struct({
  name: Schema.optional(Schema.String.annotations({ description: "User name", default: "John Doe" })),
  age: Schema.optional(Schema.Int.annotations({ title: "Age", description: "User age", default: 30 })),
  score: Schema.optional(Schema.Number.annotations({ description: "User score", default: 95.5 })),
  status: Schema.optional(
    Schema.Literal("active", "inactive", "pending").annotations({ description: "User status", default: "active" })
  ),
  verified: Schema.optional(Schema.Boolean.annotations({ description: "Verification status", default: true }))
})

const ElicitationDefaults = Tool.make("test_elicitation_sep1034_defaults", {
  description: "Tests elicitation with default values per SEP-1034"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("Please review and update the form fields with defaults", ProfileWithDefaults)
    const content = answer.action === "accept" ? answer.content : {}
    return `Elicitation completed: action=${answer.action}, content=${JSON.stringify(content)}`
  })
)

// SEP-1330 enum shapes. Effect renders a union of literals as `enum`; the titled and legacy
// shapes are spelled out with `jsonSchema` annotations, and decoding still uses the literals.
interface Choice {
  readonly value: string
  readonly title: string
}
const titledSingle = (description: string, choices: ReadonlyArray<Choice>) =>
  Schema.Literal(...(choices.map((c) => c.value) as [string, ...Array<string>])).annotations({
    jsonSchema: { type: "string", description, oneOf: choices.map((c) => ({ const: c.value, title: c.title })) }
  })
const legacyTitled = (description: string, choices: ReadonlyArray<Choice>) =>
  Schema.Literal(...(choices.map((c) => c.value) as [string, ...Array<string>])).annotations({
    jsonSchema: {
      type: "string",
      description,
      enum: choices.map((c) => c.value),
      enumNames: choices.map((c) => c.title)
    }
  })
const titledMulti = (description: string, choices: ReadonlyArray<Choice>, max: number) =>
  Schema.Array(Schema.Literal(...(choices.map((c) => c.value) as [string, ...Array<string>]))).annotations({
    jsonSchema: {
      type: "array",
      description,
      minItems: 1,
      maxItems: max,
      items: { anyOf: choices.map((c) => ({ const: c.value, title: c.title })) }
    }
  })

const EnumForm = Schema.Struct({
  untitledSingle: Schema.optional(
    Schema.Literal("option1", "option2", "option3").annotations({ description: "Choose an option (untitled single-select)" })
  ),
  titledSingle: Schema.optional(titledSingle("Choose an option (titled single-select)", [
    { value: "value1", title: "First Option" },
    { value: "value2", title: "Second Option" },
    { value: "value3", title: "Third Option" }
  ])),
  legacyEnum: Schema.optional(legacyTitled("Choose an option (legacy enumNames)", [
    { value: "opt1", title: "Option One" },
    { value: "opt2", title: "Option Two" },
    { value: "opt3", title: "Option Three" }
  ])),
  untitledMulti: Schema.optional(
    Schema.Array(Schema.Literal("option1", "option2", "option3")).pipe(Schema.minItems(1), Schema.maxItems(3))
      .annotations({ title: "Untitled multi-select", description: "Choose options (untitled multi-select)" })
  ),
  titledMulti: Schema.optional(titledMulti("Choose options (titled multi-select)", [
    { value: "value1", title: "First Choice" },
    { value: "value2", title: "Second Choice" },
    { value: "value3", title: "Third Choice" }
  ], 3))
})

const ElicitationEnums = Tool.make("test_elicitation_sep1330_enums", {
  description: "Tests elicitation with enum schema improvements per SEP-1330"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("Please select options from the enum fields", EnumForm)
    const content = answer.action === "accept" ? answer.content : {}
    return `Elicitation completed: action=${answer.action}, content=${JSON.stringify(content)}`
  })
)

// --- tools: schemas -----------------------------------------------------------------------------

// SEP-1613: a JSON Schema 2020-12 input schema reaches clients verbatim. The `jsonSchema`
// annotation is what clients see; the Struct is what arguments decode with.
const JSON_SCHEMA_2020_12 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  $defs: {
    address: {
      $anchor: "addressDef",
      type: "object",
      properties: { street: { type: "string" }, city: { type: "string" } }
    }
  },
  properties: {
    name: { type: "string" },
    address: { $ref: "#/$defs/address" },
    contactMethod: { type: "string", enum: ["phone", "email"] },
    phone: { type: "string" },
    email: { type: "string" }
  },
  allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
  if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
  then: { required: ["phone"] },
  else: { required: ["email"] },
  additionalProperties: false
}

const ContactParams = Schema.Struct({
  name: Schema.optional(Schema.String),
  address: Schema.optional(Schema.Struct({ street: Schema.optional(Schema.String), city: Schema.optional(Schema.String) })),
  contactMethod: Schema.optional(Schema.Literal("phone", "email")),
  phone: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String)
}).annotations({ jsonSchema: JSON_SCHEMA_2020_12 })

const JsonSchema202012 = Tool.make("json_schema_2020_12_tool", {
  description: "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
  parameters: ContactParams
}).handle((args) => Effect.succeed(`JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`))

// --- resources ----------------------------------------------------------------------------------

const StaticText = Resource.make({
  uri: "test://static-text",
  name: "static-text",
  title: "Static Text Resource",
  description: "A static text resource for testing",
  mimeType: "text/plain"
}).handle(Effect.succeed("This is the content of the static text resource."))

const StaticBinary = Resource.make({
  uri: "test://static-binary",
  name: "static-binary",
  title: "Static Binary Resource",
  description: "A static binary resource (image) for testing",
  mimeType: "image/png"
}).handle(Effect.sync(() => new Uint8Array(Buffer.from(IMG, "base64"))))

const WatchedResource = Resource.make({
  uri: "test://watched-resource",
  name: "watched-resource",
  title: "Watched Resource",
  description: "A resource that can be subscribed to",
  mimeType: "text/plain"
}).handle(Effect.succeed("Watched resource content"))

const TemplateData = Resource.template({
  uriTemplate: "test://template/{id}/data",
  name: "template",
  title: "Resource Template",
  description: "A resource template with parameter substitution",
  mimeType: "application/json",
  complete: { id: Completion.fromList(["123", "456", "789"]) }
}).handle(({ id }) => Effect.succeed(JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` })))

// --- prompts ------------------------------------------------------------------------------------

const SimplePrompt = Prompt.make("test_simple_prompt", {
  title: "Simple Test Prompt",
  description: "A simple prompt without arguments"
}).handle(() => Effect.succeed("This is a simple prompt for testing."))

const PromptWithArguments = Prompt.make("test_prompt_with_arguments", {
  title: "Prompt With Arguments",
  description: "A prompt with required arguments",
  arguments: {
    arg1: Schema.String.annotations({ description: "First test argument" }),
    arg2: Schema.String.annotations({ description: "Second test argument" })
  },
  complete: { arg1: Completion.fromList(["testValue1", "testValue2"]) }
}).handle(({ arg1, arg2 }) => Effect.succeed(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`))

const PromptWithEmbeddedResource = Prompt.make("test_prompt_with_embedded_resource", {
  title: "Prompt With Embedded Resource",
  description: "A prompt that includes an embedded resource",
  arguments: { resourceUri: Schema.String.annotations({ description: "URI of the resource to embed" }) }
}).handle(({ resourceUri }) =>
  Effect.succeed([
    {
      role: "user" as const,
      content: {
        type: "resource" as const,
        resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." }
      }
    },
    { role: "user" as const, content: Tool.text("Please process the embedded resource above.") }
  ])
)

const PromptWithImage = Prompt.make("test_prompt_with_image", {
  title: "Prompt With Image",
  description: "A prompt that includes image content"
}).handle(() =>
  Effect.succeed([
    { role: "user" as const, content: { type: "image" as const, data: IMG, mimeType: "image/png" } },
    { role: "user" as const, content: Tool.text("Please analyze the image above.") }
  ])
)

// --- 2026-07-28 diagnostics (server-stateless scenario) -----------------------------------------

const MissingCapability = Tool.make("test_missing_capability", {
  description: "Needs the client's sampling capability; fails with -32021 without it"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.sample({ messages: [{ role: "user", content: Tool.text("Say hi") }], maxTokens: 10 })
    return "Success"
  })
)

const StreamingElicitation = Tool.make("test_streaming_elicitation", {
  description: "Asks the user for a name by elicitation"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit(
      "What is your name?",
      Schema.Struct({ name: Schema.String.annotations({ description: "Your name" }) })
    )
    return answer.action === "accept" ? `Hello, ${answer.content.name}!` : `No answer (${answer.action})`
  })
)

const LoggingTool = Tool.make("test_logging_tool", {
  description: "Logs at info level; clients see it only when they asked for logs"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    yield* ctx.log.info("test_logging_tool ran")
    return "Logged"
  })
)

// Re-registering a definition under its own name keeps the lists as they are and tells
// listening clients that they changed.
const TriggerToolChange = Tool.make("test_trigger_tool_change", {
  description: "Publishes notifications/tools/list_changed"
}).handle(() => Effect.as(Registry.addTool(SimpleText), "Tool list change published"))

const TriggerPromptChange = Tool.make("test_trigger_prompt_change", {
  description: "Publishes notifications/prompts/list_changed"
}).handle(() => Effect.as(Registry.addPrompt(SimplePrompt), "Prompt list change published"))

// SEP-2243: the client mirrors `region` into the `Mcp-Param-Region` header.
const CustomHeader = Tool.make("test_custom_header", {
  description: "Echoes a region the client also sends as the Mcp-Param-Region header",
  parameters: {
    region: Schema.String.annotations({
      jsonSchema: { type: "string", description: "A region", "x-mcp-header": "Region" }
    })
  }
}).handle(({ region }) => Effect.succeed(`Region: ${region}`))

// --- 2026-07-28 multi round-trip requests (input-required-result-* scenarios) --------------------
// The same `ctx.elicit` / `ctx.sample` / `ctx.listRoots` as above: a server-to-client request on a
// legacy session, an InputRequiredResult on a modern request. `key` names the input request.

const NameForm = Schema.Struct({ name: Schema.String.annotations({ description: "Your name" }) })
const ConfirmForm = Schema.Struct({ ok: Schema.Boolean.annotations({ description: "Confirm to continue" }) })
const ColorForm = Schema.Struct({ color: Schema.String.annotations({ description: "Your favorite color" }) })

const InputElicitation = Tool.make("test_input_required_result_elicitation", {
  description: "Asks for the user's name by elicitation (key user_name)"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("What is your name?", NameForm, { key: "user_name" })
    return `Hello, ${accepted(answer)?.name ?? "stranger"}!`
  })
)

const InputSampling = Tool.make("test_input_required_result_sampling", {
  description: "Asks the client's model a question by sampling"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const result = yield* ctx.sample({
      messages: [{ role: "user", content: Tool.text("What is the capital of France?") }],
      maxTokens: 100
    }, { key: "capital_question" })
    return `The model said: ${textOf(result)}`
  })
)

const InputListRoots = Tool.make("test_input_required_result_list_roots", {
  description: "Lists the client's roots"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const roots = yield* ctx.listRoots
    return `Roots: ${roots.map((root) => root.uri).join(", ") || "(none)"}`
  })
)

const InputRequestState = Tool.make("test_input_required_result_request_state", {
  description: "Asks for a confirmation; the answer travels back with the request state"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("Continue?", ConfirmForm, { key: "confirm" })
    return accepted(answer)?.ok === true ? "state-ok: confirmed" : "state-ok: not confirmed"
  })
)

const InputMultiple = Tool.make("test_input_required_result_multiple_inputs", {
  description: "Asks for a name, a model answer and the roots at once"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const [answer, sample, roots] = yield* Effect.all([
      ctx.elicit("What is your name?", NameForm, { key: "user_name" }),
      ctx.sample({ messages: [{ role: "user", content: Tool.text("Say hello") }], maxTokens: 50 }, { key: "greeting" }),
      ctx.listRoots
    ], { concurrency: "unbounded" })
    return `name=${accepted(answer)?.name ?? "?"}, model=${textOf(sample)}, roots=${roots.length}`
  })
)

const InputMultiRound = Tool.make("test_input_required_result_multi_round", {
  description: "Asks for a name, then for a favorite color"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const name = accepted(yield* ctx.elicit("What is your name?", NameForm, { key: "user_name" }))?.name ?? "stranger"
    const color = accepted(yield* ctx.elicit(`Hello ${name}, what is your favorite color?`, ColorForm, {
      key: "favorite_color"
    }))?.color ?? "none"
    return `${name} likes ${color}`
  })
)

const InputTamperedState = Tool.make("test_input_required_result_tampered_state", {
  description: "Asks for a confirmation; a tampered request state is rejected"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("Continue?", ConfirmForm, { key: "confirm" })
    return accepted(answer)?.ok === true ? "confirmed" : "not confirmed"
  })
)

// Asks only for what the request's client capabilities declare.
const InputCapabilities = Tool.make("test_input_required_result_capabilities", {
  description: "Asks for each kind of input the client declared (elicitation, sampling, roots)"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const caps = ctx.meta.clientCapabilities
    const asks: Array<Effect.Effect<string, McpContext.ClientRequestError>> = []
    if (caps.elicitation !== undefined) {
      asks.push(Effect.map(ctx.elicit("What is your name?", NameForm, { key: "user_name" }), (a) => `name=${accepted(a)?.name}`))
    }
    if (caps.sampling !== undefined) {
      asks.push(Effect.map(
        ctx.sample({ messages: [{ role: "user", content: Tool.text("Say hello") }], maxTokens: 50 }, { key: "greeting" }),
        (r) => `model=${textOf(r)}`
      ))
    }
    if (caps.roots !== undefined) asks.push(Effect.map(ctx.listRoots, (roots) => `roots=${roots.length}`))
    const answers = yield* Effect.all(asks, { concurrency: "unbounded" })
    return answers.length === 0 ? "The client declared no input capabilities" : answers.join(", ")
  })
)

const InputPrompt = Prompt.make("test_input_required_result_prompt", {
  title: "Prompt With Input",
  description: "A prompt that asks the user for context before it answers"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit(
      "What context should the prompt use?",
      Schema.Struct({ context: Schema.String.annotations({ description: "Context for the prompt" }) }),
      { key: "user_context" }
    )
    return `Use this context: ${accepted(answer)?.context ?? "(none)"}`
  })
)

// --- tasks extension (io.modelcontextprotocol/tasks; tasks-* scenarios) --------------------------
// A tool made with `task` answers a request that declares the extension with a CreateTaskResult and
// runs on as a task; `ctx.elicit` inside a task becomes the task's input request (`tasks/update`).

const Greet = Tool.make("greet", {
  description: "Greets someone by name; always answers synchronously",
  parameters: { name: Schema.String.annotations({ description: "Who to greet" }) }
}).handle(({ name }) => Effect.succeed(`Hello, ${name}!`))

const SlowCompute = Tool.make("slow_compute", {
  description: "Works for the given number of seconds; a task when the client supports tasks",
  parameters: {
    seconds: Schema.Number.annotations({ description: "How long to work, in seconds" }),
    label: Schema.optional(Schema.String.annotations({ description: "A label for the result" }))
  },
  task: "optional"
}).handle(({ label, seconds }) =>
  Effect.as(Effect.sleep(Math.max(0, seconds) * 1000), `Computed ${label ?? "result"} in ${seconds}s`)
)

const FailingJob = Tool.make("failing_job", {
  description: "Runs as a task and ends with a tool error (isError)",
  task: "required"
}).handle(() => Effect.zipRight(Effect.sleep("1 second"), Effect.fail("The job failed")))

const ProtocolErrorJob = Tool.make("protocol_error_job", {
  description: "Runs as a task and ends with a JSON-RPC error",
  task: "required"
}).handle(() =>
  Effect.zipRight(
    Effect.sleep("1 second"),
    Effect.fail(new McpError.InternalError({ message: "The job hit an internal error" }))
  )
)

const ConfirmDelete = Tool.make("confirm_delete", {
  description: "Runs as a task that asks for confirmation before deleting a file",
  parameters: { filename: Schema.String.annotations({ description: "The file to delete" }) },
  task: "required"
}).handle(({ filename }) =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit(
      `Delete ${filename}?`,
      Schema.Struct({ confirm: Schema.Boolean.annotations({ description: "Confirm the deletion" }) }),
      { key: "confirm" }
    )
    return accepted(answer)?.confirm === true ? `Deleted ${filename}` : `Kept ${filename}`
  })
)

const PartialForm = Schema.Struct({
  name: Schema.String.annotations({ description: "A name" }),
  confirm: Schema.optional(Schema.Boolean.annotations({ description: "Confirm" }))
})

const MultiInput = Tool.make("multi_input", {
  description: "Runs as a task that asks two questions at once",
  task: "required"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const [first, second] = yield* Effect.all([
      ctx.elicit("First input?", PartialForm, { key: "first_input" }),
      ctx.elicit("Second input?", PartialForm, { key: "second_input" })
    ], { concurrency: "unbounded" })
    return `Got ${accepted(first)?.name ?? "nothing"} and ${accepted(second)?.name ?? "nothing"}`
  })
)

// MRTR first (key user_name), then `ctx.detach`: the final round answers with a CreateTaskResult.
const ToolWithTask = Tool.make("test_tool_with_task", {
  description: "Asks for a name, then finishes as a task",
  task: "required",
  taskDetach: "manual"
}).handle(() =>
  Effect.gen(function*() {
    const ctx = yield* McpServer.Context
    const answer = yield* ctx.elicit("What is your name?", NameForm, { key: "user_name" })
    yield* ctx.detach
    yield* Effect.sleep("500 millis")
    return `Hello, ${accepted(answer)?.name ?? "stranger"}! Your task is done.`
  })
)

// --- the server ---------------------------------------------------------------------------------

/** Every definition of the fixture; `test_simple_text` stays first in tools/list. */
const ConformanceLive = Layer.mergeAll(
  McpServer.tools(
    SimpleText,
    ImageContent,
    AudioContent,
    EmbeddedResource,
    MultipleContentTypes,
    ToolWithLogging,
    ToolWithProgress,
    ErrorHandling,
    Reconnection,
    Sampling,
    Elicitation,
    ElicitationDefaults,
    ElicitationEnums,
    JsonSchema202012,
    MissingCapability,
    StreamingElicitation,
    LoggingTool,
    TriggerToolChange,
    TriggerPromptChange,
    CustomHeader,
    InputElicitation,
    InputSampling,
    InputListRoots,
    InputRequestState,
    InputMultiple,
    InputMultiRound,
    InputTamperedState,
    InputCapabilities,
    Greet,
    SlowCompute,
    FailingJob,
    ProtocolErrorJob,
    ConfirmDelete,
    MultiInput,
    ToolWithTask
  ),
  McpServer.resources(StaticText, StaticBinary, WatchedResource, TemplateData),
  McpServer.prompts(SimplePrompt, PromptWithArguments, PromptWithEmbeddedResource, PromptWithImage, InputPrompt)
)

const ServerLive = McpServer.layer({ name: "mcp-conformance-test-server", version: "1.0.0" })

const HttpLive = (options: { readonly host: string; readonly port: number }) =>
  Http.layer({ host: options.host, port: options.port, path: "/mcp" }).pipe(
    Layer.provide(ConformanceLive),
    Layer.provide(ServerLive)
  )

NodeRuntime.runMain(Lifecycle.launch(HttpLive({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3001)
})))

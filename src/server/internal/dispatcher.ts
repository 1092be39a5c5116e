/** @internal */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import type * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import type * as JsonRpc from "../../protocol/JsonRpc.js"
import { withJsonText } from "../../protocol/internal/jsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as McpSchema from "../../protocol/McpSchema.js"
import * as Version from "../../protocol/Version.js"
import type { ClientSession } from "../ClientSession.js"
import * as Completion from "../Completion.js"
import * as McpContext from "../McpContext.js"
import type * as McpServer from "../McpServer.js"
import type { CacheHint } from "../McpServer.js"
import type { Outbound } from "../Outbound.js"
import type { Prompt } from "../Prompt.js"
import type { Registry } from "../Registry.js"
import type { Resource, Template } from "../Resource.js"
import type { Tool } from "../Tool.js"
import type { RequestMeta } from "../RequestMeta.js"
import * as shape from "./shape.js"
import * as Tasks from "./tasks.js"
import { formatParseError } from "../../protocol/internal/preview.js"

/** @internal */
export interface Env {
  readonly meta: RequestMeta
  readonly outbound: Outbound
  readonly session: ClientSession | undefined
  /** `ctx.detach`: set only where the request may become a task (tasks extension). */
  readonly detach?: Effect.Effect<void> | undefined
}

/**
 * @internal
 * A request ready to run: its handler inside the middleware, and what its fiber's context
 * needs (the request context and the services of the tool it calls). `provide` runs it as an
 * Effect; the server's fast path starts a fiber with that context instead.
 */
export interface Prepared {
  readonly effect: Effect.Effect<unknown, McpError.McpError, McpContext.McpContext>
  /** `undefined` when the effect needs no request context (it fails before any handler). */
  readonly ctx: McpContext.McpContext["Type"] | undefined
  readonly context: Context.Context<never> | undefined
  /** Services observers add for this request (a request span), over everything else. */
  readonly observedContext: Context.Context<never> | undefined
  /** The observers' exit callbacks. */
  readonly observed: ReadonlyArray<(exit: Exit.Exit<unknown, unknown>) => void>
}

/**
 * @internal
 * The defect that ends an MRTR round (the server's `withInputs`): passed through untouched
 * by the tool-failure handling below.
 */
export const inputNeeded: unknown = { _tag: "turbomcp/InputNeeded" }

/** @internal */
export const needsInput = (cause: Cause.Cause<unknown>): boolean =>
  Chunk.some(Cause.defects(cause), (defect) => defect === inputNeeded)

/** @internal */
export const notifyObservers = (prepared: Prepared, exit: Exit.Exit<unknown, unknown>) => {
  for (const done of prepared.observed) done(exit)
}

/** @internal An Effect already complete or needing nothing of the request; no context, no observers. */
export const unprepared = (effect: Effect.Effect<unknown, McpError.McpError>): Prepared => ({
  effect,
  ctx: undefined,
  context: undefined,
  observedContext: undefined,
  observed: []
})

/** @internal Runs a prepared request as an Effect (the path tests, batches and tasks take). */
export const provide = (prepared: Prepared): Effect.Effect<unknown, McpError.McpError> => {
  const { context, ctx, observedContext } = prepared
  if (ctx === undefined) return prepared.effect as Effect.Effect<unknown, McpError.McpError>
  const effect = Effect.mapInputContext(prepared.effect, (current: Context.Context<never>) => {
    const withRequest = Context.add(context === undefined ? current : Context.merge(context, current), McpContext.McpContext, ctx)
    return observedContext === undefined ? withRequest : Context.merge(withRequest, observedContext)
  })
  return prepared.observed.length === 0
    ? effect
    : Effect.onExit(effect, (exit) => Effect.sync(() => notifyObservers(prepared, exit)))
}

/** The server's identity, as `McpServer.Options` gives it. */
type ServerOptions = Pick<McpServer.Options, "name" | "version" | "title" | "description" | "websiteUrl" | "icons" | "instructions">

type Handler = (
  params: Record<string, unknown> | undefined,
  env: Env,
  request: JsonRpc.Request
) => Effect.Effect<unknown, McpError.McpError, McpContext.McpContext>

const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "ignore" })
  return (method: string, params: unknown) =>
    Effect.mapError(decode(params ?? {}), (error) =>
      new McpError.InvalidParams({
        message: `Invalid params for ${method}: ${formatParseError(error)}`
      }))
}

const decodeInitialize = decoder(McpSchema.InitializeParams)
const decodePaginated = decoder(McpSchema.PaginatedParams)
const decodeResource = decoder(McpSchema.ResourceParams)
const decodeGetPrompt = decoder(McpSchema.GetPromptParams)
const decodeComplete = decoder(McpSchema.CompleteParams)
const decodeSetLevel = decoder(McpSchema.SetLevelParams)

const messageOf = (error: unknown): string => {
  if (typeof error === "string") return error
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    return error.message
  }
  return String(error)
}

const isMcpError = (u: unknown): u is McpError.McpError =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && u._tag in mcpErrorTags

const mcpErrorTags: Record<McpError.McpError["_tag"], true> = {
  InvalidRequest: true,
  MethodNotFound: true,
  InvalidParams: true,
  ToolNotFound: true,
  PromptNotFound: true,
  ResourceNotFound: true,
  NotInitialized: true,
  MissingClientCapability: true,
  ClientError: true,
  ClientTimeout: true,
  ServerDraining: true,
  RateLimitExceeded: true,
  UnsupportedProtocolVersion: true,
  HeaderMismatch: true,
  InternalError: true
}

// Failures of user code in resources and prompts: protocol errors pass through, anything
// else is an internal error whose message the client may read.
const toProtocolError = (error: unknown): McpError.McpError =>
  isMcpError(error) ? error : new McpError.InternalError({ message: messageOf(error) })

const requireSession = (env: Env): Effect.Effect<ClientSession, McpError.InvalidRequest> =>
  env.session === undefined
    ? Effect.fail(new McpError.InvalidRequest({ message: "This method needs a session (legacy revisions only)" }))
    : Effect.succeed(env.session)

type ListItems = { tools: Tool; resources: Resource; templates: Template; prompts: Prompt }

/** @internal */
export const make = (options: ServerOptions, registry: Registry["Type"]) => {
  const serverInfo = Object.fromEntries(
    Object.entries({
      name: options.name,
      version: options.version,
      title: options.title,
      description: options.description,
      websiteUrl: options.websiteUrl,
      icons: options.icons
    }).filter(([, v]) => v !== undefined)
  )
  const serverInfoFor = (v: Version.ProtocolVersion) => {
    const f = Version.featuresOf(v)
    return f.icons
      ? serverInfo
      : f.titles
      ? { name: options.name, version: options.version, ...(options.title ? { title: options.title } : {}) }
      : { name: options.name, version: options.version }
  }

  const capabilitiesFor = (v: Version.ProtocolVersion) => {
    const f = Version.featuresOf(v)
    return {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      logging: {},
      ...(f.completions ? { completions: {} } : {}),
      ...(f.tasks ? { extensions: { [Tasks.extensionId]: {} } } : {})
    }
  }

  const initialize: Handler = (params, env) =>
    Effect.gen(function*() {
      const session = yield* requireSession(env)
      const init = yield* decodeInitialize("initialize", params)
      const protocolVersion = Version.negotiate(init.protocolVersion)
      yield* session.updateState((s) => ({
        ...s,
        phase: "initializing" as const,
        protocolVersion,
        clientCapabilities: init.capabilities,
        clientInfo: init.clientInfo
      }))
      return {
        protocolVersion,
        capabilities: capabilitiesFor(protocolVersion),
        serverInfo: serverInfoFor(protocolVersion),
        ...(options.instructions === undefined ? {} : { instructions: options.instructions })
      }
    })

  // Failures of the tool's own code become a result the model can read; protocol failures
  // raised through the context (a missing client capability, a malformed client answer) stay
  // protocol errors; interruption stays interruption.
  const toolFailure = (name: string) => (cause: Cause.Cause<unknown>): Effect.Effect<McpSchema.CallToolResult, McpError.McpError> => {
    if (Cause.isInterruptedOnly(cause) || needsInput(cause)) return Effect.failCause(cause as Cause.Cause<never>)
    const failure = Cause.failureOption(cause)
    if (failure._tag === "Some" && isMcpError(failure.value)) return Effect.fail(failure.value)
    return Effect.as(
      Cause.isFailure(cause) ? Effect.void : Effect.logError(`Tool ${name} died`, cause),
      {
        content: [{
          type: "text",
          text: Cause.isFailure(cause) ? messageOf(Cause.squash(cause)) : `Tool ${name} failed with an internal error`
        }],
        isError: true
      } as McpSchema.CallToolResult
    )
  }

  const callTool: Handler = (params, env) => {
    // The hot path: the envelope is checked synchronously, without an Effect of its own. These
    // two checks are `McpSchema.CallToolParams` (the unit tests hold them to it): decoding it
    // costs ~0.7 µs a call against ~7 ns for the checks, and its messages would differ.
    const name = params?.name
    const args = params?.arguments
    if (typeof name !== "string") {
      return Effect.fail(new McpError.InvalidParams({ message: "Invalid params for tools/call: name must be a string" }))
    }
    if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
      return Effect.fail(new McpError.InvalidParams({ message: "Invalid params for tools/call: arguments must be an object" }))
    }
    const tool = registry.tool(name)
    if (tool === undefined) return Effect.fail(new McpError.ToolNotFound({ name }))
    // A tool that cannot run without a task, called by a request that may not get one.
    if (tool.task === "required" && env.detach === undefined) return Effect.fail(Tasks.missingCapability())
    const version = env.meta.protocolVersion
    return Effect.matchEffect(tool.decode(args), {
      // 2025-11-25 makes bad arguments a tool error the model can correct (SEP-1303);
      // earlier revisions answer -32602.
      onFailure: (message) =>
        Version.featuresOf(version).argumentErrors === "tool-result"
          ? Effect.succeed<McpSchema.CallToolResult>({ content: [{ type: "text", text: message }], isError: true })
          : Effect.fail(new McpError.InvalidParams({ message })),
      onSuccess: (decoded) =>
        // Registered tools run unprovided: `prepare` puts their services in the fiber's context.
        Effect.matchCauseEffect(
          (tool.registered === undefined ? tool.run(decoded) : tool.registered.run(decoded)) as Effect.Effect<
            McpSchema.CallToolResult,
            unknown,
            McpContext.McpContext
          >,
          {
          onSuccess: (result) => Effect.succeed(shape.callToolResult(result, version)),
            onFailure: (cause) => Effect.map(toolFailure(name)(cause), (result) => shape.callToolResult(result, version))
          }
        )
    })
  }

  const readResource: Handler = (params, env) =>
    Effect.flatMap(decodeResource("resources/read", params), ({ uri }) => {
      let cache: CacheHint | undefined
      const resource = registry.resource(uri)
      const read = resource !== undefined
        ? (cache = resource.cache, resource.read(uri))
        : (() => {
          for (const template of registry.templates()) {
            const variables = template.match(uri)
            if (variables !== undefined) {
              cache = template.cache
              return template.read(uri, variables)
            }
          }
          return Effect.fail(new McpError.ResourceNotFound({ uri }))
        })()
      // A definition's own cache hint (2026-07-28) overrides the server's default.
      const hint = cache !== undefined && Version.featuresOf(env.meta.protocolVersion).cacheHints
        ? { ...(cache.ttlMs === undefined ? {} : { ttlMs: cache.ttlMs }), ...(cache.scope === undefined ? {} : { cacheScope: cache.scope }) }
        : {}
      return Effect.map(Effect.mapError(read, toProtocolError), (contents) => ({ contents, ...hint }))
    })

  const getPrompt: Handler = (params) =>
    Effect.flatMap(decodeGetPrompt("prompts/get", params), ({ arguments: args, name }) => {
      const prompt = registry.prompt(name)
      if (prompt === undefined) return Effect.fail(new McpError.PromptNotFound({ name }))
      return Effect.mapError(prompt.get(args), toProtocolError)
    })

  const complete: Handler = (params) =>
    Effect.flatMap(decodeComplete("completion/complete", params), ({ argument, context, ref }): Effect.Effect<unknown, McpError.McpError> => {
      const empty = Effect.succeed({ completion: { values: [], total: 0, hasMore: false } })
      let completers: Readonly<Record<string, Completion.Completer>> | undefined
      if (ref.type === "ref/prompt") {
        const prompt = registry.prompt(ref.name)
        if (prompt === undefined) return Effect.fail(new McpError.PromptNotFound({ name: ref.name }))
        completers = prompt.completers
      } else {
        const template = registry.templates().find((t) => t.uriTemplate === ref.uri)
        if (template === undefined) {
          if (registry.resource(ref.uri) !== undefined) return empty
          return Effect.fail(new McpError.ResourceNotFound({ uri: ref.uri }))
        }
        completers = template.completers
      }
      const completer = completers[argument.name]
      if (completer === undefined) return empty
      return Effect.map(completer(argument.value, context?.arguments ?? {}), (answer) => ({
        completion: Completion.toResult(answer)
      }))
    })

  const setLevel: Handler = (params, env) =>
    Effect.gen(function*() {
      const { level } = yield* decodeSetLevel("logging/setLevel", params)
      const session = yield* requireSession(env)
      yield* session.updateState((s) => ({ ...s, logLevel: level }))
      return {}
    })

  const subscription = (subscribe: boolean): Handler => (params, env) =>
    Effect.gen(function*() {
      const { uri } = yield* decodeResource(subscribe ? "resources/subscribe" : "resources/unsubscribe", params)
      const session = yield* requireSession(env)
      yield* session.updateState((s) => {
        const subscriptions = new Set(s.subscriptions)
        if (subscribe) subscriptions.add(uri)
        else subscriptions.delete(uri)
        return { ...s, subscriptions }
      })
      return {}
    })

  // A list page is the same for every client of a revision until the registry changes: each is
  // built and serialized once, and its JSON text rides along to the response.
  const pages = new Map<string, { readonly stamp: number; readonly result: object }>()
  // The cursors this server has handed out (one per page boundary it ever had).
  const issued = new Set<string>()
  const listPage = <K extends "tools" | "resources" | "templates" | "prompts">(
    kind: K,
    key: string,
    params: Record<string, unknown> | undefined,
    version: Version.ProtocolVersion,
    item: (a: ListItems[K]) => unknown
  ) =>
    Effect.flatMap(decodePaginated(`${kind === "templates" ? "resources/templates" : kind}/list`, params), ({ cursor }) => {
      const stamp = registry.version(kind === "templates" ? "resources" : kind)
      const cacheKey = `${kind}\u0000${version}\u0000${cursor ?? ""}`
      const hit = pages.get(cacheKey)
      if (hit !== undefined && hit.stamp === stamp) return Effect.succeed(hit.result)
      const p = registry.page(kind, cursor)
      if (p === undefined) return Effect.fail(new McpError.InvalidParams({ message: "Invalid cursor" }))
      const items = p.items.map(item)
      if (p.nextCursor !== undefined) issued.add(p.nextCursor)
      // Only pages that start where ours do are kept: a client crafting cursors for other
      // offsets gets its pages built, not cached (each could be ~100 KB).
      if (cursor !== undefined && !issued.has(cursor)) {
        return Effect.succeed(p.nextCursor === undefined ? { [key]: items } : { [key]: items, nextCursor: p.nextCursor })
      }
      const result = withJsonText(p.nextCursor === undefined ? { [key]: items } : { [key]: items, nextCursor: p.nextCursor })
      pages.set(cacheKey, { stamp, result })
      return Effect.succeed(result)
    })

  const table: Record<string, Handler> = {
    initialize,
    ping: () => Effect.succeed({}),
    "tools/list": (params, env) =>
      listPage("tools", "tools", params, env.meta.protocolVersion, (t) => shape.tool(t, env.meta.protocolVersion)),
    "tools/call": callTool,
    "resources/list": (params, env) =>
      listPage("resources", "resources", params, env.meta.protocolVersion, (r) => shape.resource(r, env.meta.protocolVersion)),
    "resources/templates/list": (params, env) =>
      listPage(
        "templates",
        "resourceTemplates",
        params,
        env.meta.protocolVersion,
        (t) => shape.template(t, env.meta.protocolVersion)
      ),
    "resources/read": readResource,
    "resources/subscribe": subscription(true),
    "resources/unsubscribe": subscription(false),
    "prompts/list": (params, env) =>
      listPage("prompts", "prompts", params, env.meta.protocolVersion, (p) => shape.prompt(p, env.meta.protocolVersion)),
    "prompts/get": getPrompt,
    "completion/complete": complete,
    "logging/setLevel": setLevel
  }

  /** One request, ready to run; failures are protocol errors, interruption propagates. */
  const prepare = (
    request: JsonRpc.Request,
    env: Env,
    services: Context.Context<DefaultServices.DefaultServices>
  ): Prepared => {
    const handler = Object.hasOwn(table, request.method) ? table[request.method] : undefined
    if (handler === undefined) return unprepared(Effect.fail(new McpError.MethodNotFound({ method: request.method })))
    const ctx = McpContext.make({
      requestId: request.id,
      method: request.method,
      params: request.params,
      meta: env.meta,
      outbound: env.outbound,
      detach: env.detach
    })
    let effect = handler(request.params, env, request)
    const middleware = registry.middleware()
    for (let i = middleware.length - 1; i >= 0; i--) effect = middleware[i]!(effect)
    const observers = registry.observers()
    let observed: Array<(exit: Exit.Exit<unknown, unknown>) => void> = []
    let observedContext: Context.Context<never> | undefined
    if (observers.length > 0) {
      observed = []
      for (const observe of observers) {
        const observation = observe(ctx, services)
        if (typeof observation === "function") observed.push(observation)
        else {
          observed.push(observation.done)
          observedContext = observedContext === undefined ? observation.context : Context.merge(observedContext, observation.context)
        }
      }
    }
    // The services of the tool called (its handler's requirements) join the fiber's context.
    const name = request.method === "tools/call" ? request.params?.name : undefined
    const context = typeof name === "string" ? registry.tool(name)?.registered?.context : undefined
    return { effect, ctx, context, observedContext, observed }
  }

  /** Runs one request to its result as an Effect; failures are protocol errors, interruption propagates. */
  const dispatch = (request: JsonRpc.Request, env: Env): Effect.Effect<unknown, McpError.McpError> =>
    Effect.withFiberRuntime((fiber) => provide(prepare(request, env, fiber.currentDefaultServices)))

  const knows = (method: string) => Object.hasOwn(table, method)

  return { prepare, dispatch, serverInfoFor, capabilitiesFor, knows }
}

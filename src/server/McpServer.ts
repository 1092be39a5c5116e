/**
 * The MCP server: its identity, the handler registry, and the dispatcher that
 * serves canonical requests. Transports (stdio, Streamable HTTP) and era adapters
 * feed it; it never knows which one a request came from.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type * as McpSchema from "../protocol/McpSchema.js"
import type { ClientSession } from "./ClientSession.js"
import type * as internalDispatcher from "./internal/dispatcher.js"
import * as internal from "./internal/mcpServer.js"
import { McpContext } from "./McpContext.js"
import type { Middleware } from "./Middleware.js"
import type { Outbound } from "./Outbound.js"
import type { Prompt } from "./Prompt.js"
import * as Registry from "./Registry.js"
import type { RequestMeta } from "./RequestMeta.js"
import type { Resource, Template } from "./Resource.js"
import * as internalTasks from "./internal/tasks.js"
import type { TaskStore } from "./TaskStore.js"
import type { Tool } from "./Tool.js"

export {
  /**
   * The request context handlers read (`yield* McpServer.Context`).
   *
   * @since 0.1.0
   * @category services
   */
  McpContext as Context
}

/**
 * Options of the server: its identity, the `initialize` instructions, and list, MRTR, cache and
 * task settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly name: string
  readonly version: string
  readonly title?: string
  readonly description?: string
  readonly websiteUrl?: string
  readonly icons?: ReadonlyArray<McpSchema.Icon>
  /** Told to clients in the `initialize` result. */
  readonly instructions?: string
  /**
   * Items per page of list results; default 500. Listing is sequential (each page needs the
   * previous cursor), so larger pages save clients round trips; a page of 500 tools is ~100 KB.
   */
  readonly pageSize?: number
  /**
   * How long a server-to-client request (elicitation, sampling, roots) may wait; default 5
   * minutes. A plain number is milliseconds.
   */
  readonly clientRequestTimeout?: Duration.DurationInput
  /**
   * Key that authenticates MRTR `requestState` (HMAC-SHA256). Default: random per process;
   * give every node of a cluster the same key so a retry may land on any of them.
   */
  readonly requestStateKey?: Redacted.Redacted<string>
  /** How long a `requestState` stays valid; default 10 minutes. A plain number is milliseconds. */
  readonly requestStateTtl?: Duration.DurationInput
  /** Cache hints of the 2026-07-28 revision; defaults: lists 60 s public, reads 0 private, discover 1 h public. */
  readonly cacheHints?: {
    readonly lists?: CacheHint
    readonly read?: CacheHint
    readonly discover?: CacheHint
  }
  /** Tasks of the `io.modelcontextprotocol/tasks` extension (tools made with `task`). */
  readonly tasks?: TaskOptions
}

/**
 * Options of the tasks extension: how long tasks are kept, and the polling interval suggested to
 * clients.
 *
 * @since 0.1.0
 * @category models
 */
export interface TaskOptions {
  /**
   * How long a task is kept (and may run) from its creation; `null` for ever. Default 1 hour. A
   * plain number is milliseconds (the results' `ttlMs`).
   */
  readonly ttlMs?: Duration.DurationInput | null
  /** The polling interval suggested to clients; default 1 second. A plain number is milliseconds. */
  readonly pollIntervalMs?: Duration.DurationInput
}

/**
 * A cache hint of the 2026-07-28 revision: how long a result may be reused, and by whom.
 *
 * @since 0.1.0
 * @category models
 */
export interface CacheHint {
  /** How long a client may reuse the result (the results' `ttlMs`). A plain number is milliseconds. */
  readonly ttlMs?: Duration.DurationInput
  readonly scope?: "public" | "private"
}

/**
 * A response ready to send, with its JSON-RPC error code when it is an error (the
 * HTTP transport derives the status of modern responses from it).
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly text: string
  readonly errorCode: number | undefined
}

/**
 * A request started on its own fiber by `start`, `startLegacy` or `startModern`. `reply` turns
 * the fiber's exit into the answer (`undefined` when it was interrupted: a cancelled request
 * gets none) and tells the registered observers; call it once, from the fiber's observer,
 * after tracking the fiber.
 *
 * @since 0.1.0
 * @category models
 */
export interface Started {
  readonly fiber: Fiber.RuntimeFiber<unknown, unknown>
  readonly reply: (exit: Exit.Exit<unknown, unknown>) => Reply | undefined
}

/**
 * Extra facts a transport knows about a request (authentication, trace context).
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestExtras {
  readonly principal?: RequestMeta["principal"]
  readonly traceparent?: string
  readonly tracestate?: string
}

/**
 * The MCP server service: its options, its registry, and the entry points transports call.
 *
 * @since 0.1.0
 * @category services
 */
export class McpServer extends Context.Tag("turbomcp/McpServer")<McpServer, {
  readonly options: Options
  readonly registry: Registry.Registry["Type"]
  /** Serves one request of a legacy session; answers with the response text (never fails). */
  readonly handleLegacy: (
    session: ClientSession,
    request: JsonRpc.Request,
    outbound: Outbound,
    extras?: RequestExtras
  ) => Effect.Effect<string>
  /** Serves one request whose metadata the caller established; answers with the response text. */
  readonly handle: (request: JsonRpc.Request, env: internalDispatcher.Env) => Effect.Effect<string>
  /** Serves one 2026-07-28 request: envelope in `_meta`, no session; MRTR, discover and listen. */
  readonly handleModern: (request: JsonRpc.Request, outbound: Outbound, extras?: RequestExtras) => Effect.Effect<Reply>
  /**
   * The transports' fast path for `handle`, `handleLegacy` and `handleModern`: the request
   * starts at once on `runtime` as its own fiber, with its context in the fiber's runtime
   * rather than provided per request.
   */
  readonly start: (runtime: Runtime.Runtime<never>, request: JsonRpc.Request, env: internalDispatcher.Env) => Started
  readonly startLegacy: (
    runtime: Runtime.Runtime<never>,
    session: ClientSession,
    request: JsonRpc.Request,
    outbound: Outbound,
    extras?: RequestExtras
  ) => Started
  readonly startModern: (
    runtime: Runtime.Runtime<never>,
    request: JsonRpc.Request,
    outbound: Outbound,
    extras?: RequestExtras
  ) => Started
  /** Handles a notification or a response a legacy session's client sent. */
  readonly receive: (session: ClientSession, message: JsonRpc.Notification | JsonRpc.Response) => Effect.Effect<void>
  /** A new session with the server's settings; it receives broadcasts until `close`d. */
  readonly openSession: (options: {
    readonly id: string
    readonly push: (text: string) => Effect.Effect<void>
  }) => Effect.Effect<ClientSession>
  readonly closeSession: (session: ClientSession) => Effect.Effect<void>
  /** Sends `notifications/resources/updated` to every session subscribed to `uri`. */
  readonly notifyResourceUpdated: (uri: string) => Effect.Effect<void>
  /** The number of sessions open now. */
  readonly sessionCount: () => number
  /** The number of open `subscriptions/listen` streams. */
  readonly listenerCount: () => number
  /**
   * Ends every `subscriptions/listen` stream with its final result, and any later one at once:
   * transports call it when they start draining, so listen streams do not hold the drain.
   */
  readonly closeListeners: Effect.Effect<void>
}>() {}

/**
 * The server over the `Registry` and `TaskStore` in context, for use without `layer`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options: Options
) => Effect.Effect<McpServer["Type"], never, Registry.Registry | TaskStore | Scope.Scope> = internal.make

/**
 * The server and its registry. Registration layers (`tools`, `resources`, ...) and a
 * transport layer (`Stdio.layer`, `Http.layer`) need it. Tasks are kept in the `TaskStore`
 * provided to this layer, else in memory (`TaskStore.layerMemory`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<McpServer | Registry.Registry> =>
  Layer.scoped(McpServer, internalTasks.withDefaultStore(make(options))).pipe(
    Layer.provideMerge(Registry.layer(options.pageSize === undefined ? {} : { pageSize: options.pageSize }))
  )

/**
 * `layer` with its options read from `Config` when the layer is built; a missing or malformed
 * value fails the layer with a `ConfigError`. Each option is a `Config` of its value (nested
 * objects such as `tasks` and `cacheHints` field by field); keep `requestStateKey` secret with
 * `Config.redacted`.
 *
 * @example
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Config, Layer } from "effect"
 * import { Http, Lifecycle, McpServer } from "turbomcp-server"
 *
 * const Server = McpServer.layerConfig({
 *   name: Config.succeed("demo"),
 *   version: Config.string("APP_VERSION"),
 *   requestStateKey: Config.redacted("MCP_REQUEST_STATE_KEY"),
 *   tasks: { ttlMs: Config.duration("MCP_TASK_TTL").pipe(Config.withDefault("1 hour")) }
 * })
 * NodeRuntime.runMain(Lifecycle.launch(Http.layer({ port: 3000 }).pipe(Layer.provide(Server))))
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<McpServer | Registry.Registry, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layer))

/**
 * Registers tools; the services their handlers need become the layer's requirements.
 *
 * @since 0.1.0
 * @category registration
 */
export const tools = <const Tools extends ReadonlyArray<Tool<any>>>(
  ...tools: Tools
): Layer.Layer<never, never, Registry.Registry | Requirements<Tools[number]>> =>
  Layer.effectDiscard(Effect.forEach(tools, Registry.addTool, { discard: true }))

/**
 * Registers static resources and resource templates.
 *
 * @since 0.1.0
 * @category registration
 */
export const resources = <const Items extends ReadonlyArray<Resource<any> | Template<any>>>(
  ...items: Items
): Layer.Layer<never, never, Registry.Registry | Requirements<Items[number]>> =>
  Layer.effectDiscard(Effect.forEach(items, (item) =>
    item._tag === "Resource" ? Registry.addResource(item) : Registry.addTemplate(item), { discard: true }))

/**
 * Registers prompts.
 *
 * @since 0.1.0
 * @category registration
 */
export const prompts = <const Items extends ReadonlyArray<Prompt<any>>>(
  ...items: Items
): Layer.Layer<never, never, Registry.Registry | Requirements<Items[number]>> =>
  Layer.effectDiscard(Effect.forEach(items, Registry.addPrompt, { discard: true }))

/**
 * Adds middleware around every request; the first registered runs outermost.
 *
 * @since 0.1.0
 * @category registration
 */
export const middleware = <R>(m: Middleware<R>): Layer.Layer<never, never, Registry.Registry | Exclude<R, McpContext>> =>
  Layer.effectDiscard(Registry.addMiddleware(m))

/**
 * What a definition's handlers need besides the request context.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements<D> = D extends Tool<infer R> ? R
  : D extends Resource<infer R> ? R
  : D extends Template<infer R> ? R
  : D extends Prompt<infer R> ? R
  : never

/**
 * Sends `notifications/resources/updated` for `uri` to every session subscribed to it.
 *
 * @since 0.1.0
 * @category accessors
 */
export const notifyResourceUpdated = (uri: string): Effect.Effect<void, never, McpServer> =>
  Effect.flatMap(McpServer, (server) => server.notifyResourceUpdated(uri))

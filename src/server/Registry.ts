/**
 * The handler registry: tools, resources, resource templates, prompts and
 * middleware, changeable while the server runs. Each change is published so
 * connected clients get `notifications/<kind>/list_changed`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as PubSub from "effect/PubSub"
import type { McpContext } from "./McpContext.js"
import * as internal from "./internal/registry.js"
import type { Middleware, Observer } from "./Middleware.js"
import type { Prompt } from "./Prompt.js"
import type { Resource, Template } from "./Resource.js"
import type { Tool } from "./Tool.js"

/**
 * The kinds of list the registry pages: `tools`, `resources` or `prompts`.
 *
 * @since 0.1.0
 * @category models
 */
export type ListKind = "tools" | "resources" | "prompts"

/**
 * One page of a list result, with the cursor of the next page if any.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | undefined
}

/**
 * The tools, resources, prompts and middleware the server serves, and the changes to them.
 *
 * @since 0.1.0
 * @category services
 */
export class Registry extends Context.Tag("turbomcp/Registry")<Registry, {
  readonly addTool: (tool: Tool) => Effect.Effect<void>
  readonly removeTool: (name: string) => Effect.Effect<boolean>
  readonly addResource: (resource: Resource) => Effect.Effect<void>
  readonly removeResource: (uri: string) => Effect.Effect<boolean>
  readonly addTemplate: (template: Template) => Effect.Effect<void>
  readonly removeTemplate: (uriTemplate: string) => Effect.Effect<boolean>
  readonly addPrompt: (prompt: Prompt) => Effect.Effect<void>
  readonly removePrompt: (name: string) => Effect.Effect<boolean>
  readonly addMiddleware: (middleware: Middleware) => Effect.Effect<void>
  readonly addObserver: (observer: Observer) => Effect.Effect<void>
  /** Synchronous look-ups for the dispatcher's hot path. */
  readonly tool: (name: string) => Tool | undefined
  readonly resource: (uri: string) => Resource | undefined
  readonly prompt: (name: string) => Prompt | undefined
  readonly templates: () => ReadonlyArray<Template>
  readonly middleware: () => ReadonlyArray<Middleware>
  readonly observers: () => ReadonlyArray<Observer>
  readonly version: (kind: ListKind) => number
  readonly page: <K extends "tools" | "resources" | "templates" | "prompts">(
    kind: K,
    cursor: string | undefined
  ) => Page<{ tools: Tool; resources: Resource; templates: Template; prompts: Prompt }[K]> | undefined
  readonly changes: PubSub.PubSub<ListKind>
}>() {}

/**
 * Options of the registry: the page size of list results.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Items per page of `tools/list` and the like; default 500. */
  readonly pageSize?: number
}

/**
 * An empty registry, for use without `layer`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Registry["Type"]> = internal.make

/**
 * An empty registry as a layer (`McpServer.layer` includes one).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Registry> => Layer.effect(Registry, make(options))

const captured = <R>() => Effect.context<R>()

/**
 * Registers a tool while the server runs; its handler's services are taken from the caller.
 *
 * @since 0.1.0
 * @category registration
 */
export const addTool = <R>(tool: Tool<R>): Effect.Effect<void, never, Registry | R> =>
  Effect.flatMap(captured<R>(), (context) =>
    Effect.flatMap(Registry, (registry) => registry.addTool(internal.provideTool(tool, context))))

/**
 * Registers a static resource, with the services its handler needs.
 *
 * @since 0.1.0
 * @category registration
 */
export const addResource = <R>(resource: Resource<R>): Effect.Effect<void, never, Registry | R> =>
  Effect.flatMap(captured<R>(), (context) =>
    Effect.flatMap(Registry, (registry) => registry.addResource(internal.provideResource(resource, context))))

/**
 * Registers a resource template, with the services its handler needs.
 *
 * @since 0.1.0
 * @category registration
 */
export const addTemplate = <R>(template: Template<R>): Effect.Effect<void, never, Registry | R> =>
  Effect.flatMap(captured<R>(), (context) =>
    Effect.flatMap(Registry, (registry) => registry.addTemplate(internal.provideTemplate(template, context))))

/**
 * Registers a prompt, with the services its handler needs.
 *
 * @since 0.1.0
 * @category registration
 */
export const addPrompt = <R>(prompt: Prompt<R>): Effect.Effect<void, never, Registry | R> =>
  Effect.flatMap(captured<R>(), (context) =>
    Effect.flatMap(Registry, (registry) => registry.addPrompt(internal.providePrompt(prompt, context))))

/**
 * Adds an `Observer` (see `Middleware.Observer`): called as every request starts and ends.
 *
 * @since 0.1.0
 * @category registration
 */
export const addObserver = (observer: Observer): Effect.Effect<void, never, Registry> =>
  Effect.flatMap(Registry, (registry) => registry.addObserver(observer))

/**
 * Adds middleware around every request, with the services it needs.
 *
 * @since 0.1.0
 * @category registration
 */
export const addMiddleware = <R>(middleware: Middleware<R>): Effect.Effect<void, never, Registry | Exclude<R, McpContext>> =>
  Effect.flatMap(captured<Exclude<R, McpContext>>(), (context) =>
    Effect.flatMap(Registry, (registry) => registry.addMiddleware(internal.provideMiddleware(middleware, context))))

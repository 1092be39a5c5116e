/** @internal */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import type { Middleware, Observer } from "../Middleware.js"
import type { Prompt } from "../Prompt.js"
import type * as Registry from "../Registry.js"
import type { Resource, Template } from "../Resource.js"
import type { Tool } from "../Tool.js"

// Handlers run inside the request fiber, whose context holds McpContext; the services the
// definition needs come from where it was registered.
const withContext = <R>(context: Context.Context<R>) => <A, E, R1>(effect: Effect.Effect<A, E, R1>) =>
  Effect.mapInputContext(effect, (current: Context.Context<any>) => Context.merge(context, current)) as Effect.Effect<
    A,
    E,
    Exclude<R1, R>
  >

/**
 * @internal
 * A registered tool's `run` carries its services; the dispatcher's fast path uses
 * `registered` instead (see `Tool.registered`).
 */
export const provideTool = <R>(tool: Tool<R>, context: Context.Context<R>): Tool =>
  ({
    ...tool,
    run: (params: unknown) => withContext(context)(tool.run(params)),
    registered: tool.registered === undefined
      ? { context, run: tool.run }
      : { context: Context.merge(context, tool.registered.context), run: tool.registered.run }
  }) as unknown as Tool

/** @internal */
export const provideResource = <R>(resource: Resource<R>, context: Context.Context<R>): Resource =>
  ({ ...resource, read: (uri: string) => withContext(context)(resource.read(uri)) }) as Resource

const provideCompleters = <R>(completers: Template<R>["completers"], context: Context.Context<R>) =>
  Object.fromEntries(
    Object.entries(completers).map(([name, complete]) => [
      name,
      (value: string, args: Readonly<Record<string, string>>) => withContext(context)(complete(value, args))
    ])
  )

/** @internal */
export const provideTemplate = <R>(template: Template<R>, context: Context.Context<R>): Template =>
  ({
    ...template,
    read: (uri: string, variables: Record<string, string>) => withContext(context)(template.read(uri, variables)),
    completers: provideCompleters(template.completers, context)
  }) as Template

/** @internal */
export const providePrompt = <R>(prompt: Prompt<R>, context: Context.Context<R>): Prompt =>
  ({
    ...prompt,
    get: (args: unknown) => withContext(context)(prompt.get(args)),
    completers: provideCompleters(prompt.completers, context)
  }) as Prompt

/** @internal */
export const provideMiddleware = <R>(middleware: Middleware<R>, context: Context.Context<any>): Middleware =>
  ((handler: Effect.Effect<any, any, any>) => withContext(context)(middleware(handler))) as Middleware

const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString("base64url")
const decodeCursor = (cursor: string): number | undefined => {
  const text = Buffer.from(cursor, "base64url").toString("utf8")
  if (!text.startsWith("o:")) return undefined
  const offset = Number(text.slice(2))
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined
}

/** @internal */
export const make = (options: Registry.Options = {}) =>
  Effect.gen(function*() {
    const pageSize = options.pageSize ?? 500
    const changes = yield* PubSub.unbounded<Registry.ListKind>()
    // Private to this closure and touched only synchronously; Map keeps insertion order,
    // which makes list order deterministic.
    const tools = new Map<string, Tool>()
    const resources = new Map<string, Resource>()
    const templates = new Map<string, Template>()
    const prompts = new Map<string, Prompt>()
    const middleware: Array<Middleware> = []
    const observers: Array<Observer> = []
    const versions: Record<Registry.ListKind, number> = { tools: 0, resources: 0, prompts: 0 }
    const snapshots = { tools: [] as Array<Tool>, resources: [] as Array<Resource>, templates: [] as Array<Template>, prompts: [] as Array<Prompt> }

    const changed = (kind: Registry.ListKind) =>
      Effect.suspend(() => {
        versions[kind]++
        snapshots.tools = [...tools.values()]
        snapshots.resources = [...resources.values()]
        snapshots.templates = [...templates.values()]
        snapshots.prompts = [...prompts.values()]
        return PubSub.publish(changes, kind)
      })

    const add = <A>(map: Map<string, A>, key: string, value: A, kind: Registry.ListKind) =>
      Effect.suspend(() => {
        map.set(key, value)
        return changed(kind)
      })
    const remove = <A>(map: Map<string, A>, key: string, kind: Registry.ListKind) =>
      Effect.suspend(() => map.delete(key) ? Effect.as(changed(kind), true) : Effect.succeed(false))

    const page = (kind: "tools" | "resources" | "templates" | "prompts", cursor: string | undefined) => {
      const all: ReadonlyArray<unknown> = snapshots[kind]
      const offset = cursor === undefined ? 0 : decodeCursor(cursor)
      if (offset === undefined || offset > all.length) return undefined
      const end = offset + pageSize
      return { items: all.slice(offset, end), nextCursor: end < all.length ? encodeCursor(end) : undefined }
    }

    return {
      addTool: (tool) => add(tools, tool.name, tool, "tools"),
      removeTool: (name) => remove(tools, name, "tools"),
      addResource: (resource) => add(resources, resource.uri, resource, "resources"),
      removeResource: (uri) => remove(resources, uri, "resources"),
      addTemplate: (template) => add(templates, template.uriTemplate, template, "resources"),
      removeTemplate: (uriTemplate) => remove(templates, uriTemplate, "resources"),
      addPrompt: (prompt) => add(prompts, prompt.name, prompt, "prompts"),
      removePrompt: (name) => remove(prompts, name, "prompts"),
      addMiddleware: (m) => Effect.sync(() => void middleware.push(m)),
      addObserver: (o) => Effect.sync(() => void observers.push(o)),
      tool: (name) => tools.get(name),
      resource: (uri) => resources.get(uri),
      prompt: (name) => prompts.get(name),
      templates: () => snapshots.templates,
      middleware: () => middleware,
      observers: () => observers,
      version: (kind) => versions[kind],
      page: page as Registry.Registry["Type"]["page"],
      changes
    } satisfies Registry.Registry["Type"]
  })

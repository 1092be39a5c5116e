import { assert, describe, it } from "@effect/vitest"
import { Chunk, Context, Effect, PubSub, Queue, Schema } from "effect"
import { Prompt, Registry, Resource, Tool } from "turbomcp-server"

const tool = (name: string) => Tool.make(name, { description: `tool ${name}` }).handle(() => Effect.succeed(name))
const resource = (uri: string) => Resource.make({ uri, name: uri }).handle(Effect.succeed(uri))
const template = (uriTemplate: string) =>
  Resource.template({ uriTemplate, name: uriTemplate }).handle((_, uri) => Effect.succeed(uri))
const prompt = (name: string) => Prompt.make(name).handle(() => Effect.succeed(name))

const names = <A extends { readonly name: string }>(items: ReadonlyArray<A>) => items.map((i) => i.name)

/** Walks every page of `kind`, asserting that cursors are opaque strings. */
const allPages = (registry: Registry.Registry["Type"], kind: "tools" | "prompts") => {
  const pages: Array<Array<string>> = []
  let cursor: string | undefined = undefined
  for (let i = 0; i < 100; i++) {
    const page: Registry.Page<{ readonly name: string }> | undefined = registry.page(kind, cursor)
    assert.isDefined(page)
    pages.push(names(page!.items as ReadonlyArray<{ readonly name: string }>))
    if (page!.nextCursor === undefined) return pages
    assert.isString(page!.nextCursor)
    cursor = page!.nextCursor
  }
  return assert.fail("pagination does not end")
}

describe("Registry", () => {
  it.effect("adds and removes tools, resources, templates and prompts", () =>
    Effect.gen(function*() {
      const registry = yield* Registry.Registry
      yield* registry.addTool(tool("a"))
      yield* registry.addResource(resource("demo://r"))
      yield* registry.addTemplate(template("demo://t/{x}"))
      yield* registry.addPrompt(prompt("p"))
      assert.strictEqual(registry.tool("a")?.name, "a")
      assert.strictEqual(registry.resource("demo://r")?.uri, "demo://r")
      assert.deepStrictEqual(registry.templates().map((t) => t.uriTemplate), ["demo://t/{x}"])
      assert.strictEqual(registry.prompt("p")?.name, "p")

      assert.isTrue(yield* registry.removeTool("a"))
      assert.isFalse(yield* registry.removeTool("a"), "removing twice reports nothing removed")
      assert.isTrue(yield* registry.removeResource("demo://r"))
      assert.isTrue(yield* registry.removeTemplate("demo://t/{x}"))
      assert.isTrue(yield* registry.removePrompt("p"))
      assert.isUndefined(registry.tool("a"))
      assert.isUndefined(registry.resource("demo://r"))
      assert.deepStrictEqual(registry.templates(), [])
      assert.isUndefined(registry.prompt("p"))
      assert.deepStrictEqual(registry.page("tools", undefined)?.items, [])
    }).pipe(Effect.provide(Registry.layer())))

  it.effect("lists in registration order, and re-registering a name replaces it in place", () =>
    Effect.gen(function*() {
      const registry = yield* Registry.Registry
      for (const name of ["zeta", "alpha", "mid"]) yield* registry.addTool(tool(name))
      assert.deepStrictEqual(names(registry.page("tools", undefined)!.items), ["zeta", "alpha", "mid"])
      const replacement = Tool.make("alpha", { description: "new alpha" }).handle(() => Effect.succeed("new"))
      yield* registry.addTool(replacement)
      const items = registry.page("tools", undefined)!.items
      assert.deepStrictEqual(names(items), ["zeta", "alpha", "mid"])
      assert.strictEqual(items[1]!.description, "new alpha")
      yield* registry.removeTool("zeta")
      yield* registry.addTool(tool("zeta"))
      assert.deepStrictEqual(names(registry.page("tools", undefined)!.items), ["alpha", "mid", "zeta"])
    }).pipe(Effect.provide(Registry.layer())))

  it.effect("paginates with opaque cursors, in a deterministic order", () =>
    Effect.gen(function*() {
      const registry = yield* Registry.Registry
      for (let i = 0; i < 7; i++) yield* registry.addTool(tool(`t${i}`))
      const pages = allPages(registry, "tools")
      assert.deepStrictEqual(pages, [["t0", "t1", "t2"], ["t3", "t4", "t5"], ["t6"]])
      // The same walk again gives the same pages.
      assert.deepStrictEqual(allPages(registry, "tools"), pages)
      // Cursors are opaque: not a bare number or a tool name.
      const cursor = registry.page("tools", undefined)!.nextCursor!
      assert.isNaN(Number(cursor))
      assert.notInclude(cursor, "t3")
    }).pipe(Effect.provide(Registry.layer({ pageSize: 3 }))))

  it.effect("an exact multiple of the page size ends without a dangling cursor", () =>
    Effect.gen(function*() {
      const registry = yield* Registry.Registry
      for (let i = 0; i < 4; i++) yield* registry.addPrompt(prompt(`p${i}`))
      assert.deepStrictEqual(allPages(registry, "prompts"), [["p0", "p1"], ["p2", "p3"]])
    }).pipe(Effect.provide(Registry.layer({ pageSize: 2 }))))

  it.effect("invalid cursors are rejected (undefined page), never crash", () =>
    Effect.gen(function*() {
      const registry = yield* Registry.Registry
      for (let i = 0; i < 3; i++) yield* registry.addTool(tool(`t${i}`))
      const foreign = Buffer.from("o:99").toString("base64url")
      for (const cursor of ["garbage", "", "!!!", "o:1", foreign, Buffer.from("o:-1").toString("base64url"), "🙂"]) {
        assert.isUndefined(registry.page("tools", cursor), `cursor ${JSON.stringify(cursor)} must be invalid`)
      }
      assert.isDefined(registry.page("tools", registry.page("tools", undefined)!.nextCursor))
    }).pipe(Effect.provide(Registry.layer({ pageSize: 2 }))))

  it.scoped("publishes one change per add/remove, by list kind", () =>
    Effect.gen(function*() {
      const registry = yield* Registry.Registry
      const changes = yield* PubSub.subscribe(registry.changes)
      yield* registry.addTool(tool("a"))
      yield* registry.addResource(resource("demo://r"))
      yield* registry.addTemplate(template("demo://{x}"))
      yield* registry.addPrompt(prompt("p"))
      yield* registry.removeTool("a")
      yield* registry.removeTool("a") // nothing removed: no change
      yield* registry.removePrompt("p")
      const kinds = Chunk.toReadonlyArray(yield* Queue.takeAll(changes))
      assert.deepStrictEqual(kinds, ["tools", "resources", "resources", "prompts", "tools", "prompts"])
      assert.strictEqual(registry.version("tools"), 2)
      assert.strictEqual(registry.version("resources"), 2)
      assert.strictEqual(registry.version("prompts"), 2)
    }).pipe(Effect.provide(Registry.layer()))
  )

  class Greeting extends Context.Tag("test/Greeting")<Greeting, string>() {}

  it.effect("Registry.addTool captures the services the handler needs from the caller", () =>
    Effect.gen(function*() {
      const greet = Tool.make("greet", { parameters: { name: Schema.String } }).handle(({ name }) =>
        Effect.map(Greeting, (greeting) => `${greeting}, ${name}`)
      )
      yield* Registry.addTool(greet).pipe(Effect.provideService(Greeting, "Hej"))
      const registry = yield* Registry.Registry
      const registered = registry.tool("greet")!
      // The registered tool needs only McpContext (which it does not use here): run it without Greeting.
      const result = yield* (registered.run({ name: "Ada" }) as Effect.Effect<unknown, unknown>)
      assert.deepStrictEqual(result, { content: [{ type: "text", text: "Hej, Ada" }] })
    }).pipe(Effect.provide(Registry.layer())))
})

// RFC 6570 matching of resource templates, through the public Resource.template.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Resource } from "turbomcp-server"

const matcher = (uriTemplate: string) =>
  Resource.template({ uriTemplate, name: "t" }).handle((_, uri) => Effect.succeed(uri)).match

describe("URI template matching", () => {
  it.each([
    ["demo://colors/{name}", "demo://colors/red", { name: "red" }],
    ["demo://colors/{name}", "demo://colors/dark%20red", { name: "dark red" }],
    ["demo://colors/{name}", "demo://colors/caf%C3%A9", { name: "café" }],
    ["users/{id}/posts/{post}", "users/42/posts/7", { id: "42", post: "7" }],
    ["file:///{+path}", "file:///a/b/c.txt", { path: "a/b/c.txt" }],
    ["file:///{+path}", "file:///", { path: "" }],
    ["docs{/section}", "docs/intro", { section: "intro" }],
    ["files/{name}{.ext}", "files/report.pdf", { name: "report", ext: "pdf" }],
    ["search{?q,lang}", "search?q=effect&lang=en", { q: "effect", lang: "en" }],
    ["search{?q,lang}", "search?lang=en", { lang: "en" }],
    ["search{?q,lang}", "search", {}],
    ["search{?q}", "search?q=a%20b", { q: "a b" }],
    ["page{#frag}", "page#top", { frag: "top" }],
    ["pair/{a,b}", "pair/1,2", { a: "1", b: "2" }],
    ["weird.(chars)+/{x}", "weird.(chars)+/y", { x: "y" }]
  ] as const)("%s matches %s", (template, uri, expected) => {
    assert.deepStrictEqual(matcher(template)(uri), expected)
  })

  it.each([
    ["demo://colors/{name}", "demo://colors/red/extra", "a simple variable is one path segment"],
    ["demo://colors/{name}", "demo://shapes/red", "the literal prefix must match"],
    ["demo://colors/{name}", "xdemo://colors/red", "anchored at the start"],
    ["demo://colors/{name}", "demo://colors/red?x=1", "no query in a simple variable"],
    ["demo://colors/{name}", "demo://colors/%E0%A4%A", "malformed percent-encoding"],
    ["users/{id}/posts/{post}", "users/42/posts", "every segment must be present"],
    ["weird.(chars)+/{x}", "weirdX(chars)+/y", "regex characters in literals are literal"]
  ] as const)("%s does not match %s (%s)", (template, uri, _why) => {
    assert.isUndefined(matcher(template)(uri))
  })

  it.effect("variables decode with their Schemas; a bad value is invalid params", () =>
    Effect.gen(function*() {
      const template = Resource.template({
        uriTemplate: "items/{id}",
        name: "item",
        variables: { id: Schema.NumberFromString }
      }).handle(({ id }) => Effect.succeed(`item ${id + 1}`))
      const contents = yield* (template.read("items/41", template.match("items/41")!) as Effect.Effect<any, unknown>)
      assert.deepStrictEqual(contents, [{ uri: "items/41", text: "item 42" }])
      const error = yield* Effect.flip(template.read("items/x", template.match("items/x")!) as Effect.Effect<any, any>)
      assert.strictEqual(error._tag, "InvalidParams")
    }))
})

// JSON Schema derivation: what clients see of tool parameters, tool outputs and prompt arguments.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Prompt, Tool } from "turbomcp-server"

const schemaOf = <P extends Tool.Parameters>(parameters: P) =>
  Tool.make("t", { parameters }).handle(() => Effect.succeed("ok")).inputSchema

describe("JSON Schema derivation", () => {
  it("a tool without parameters gets an empty object schema", () => {
    const tool = Tool.make("noop").handle(() => Effect.succeed("ok"))
    assert.deepStrictEqual(tool.inputSchema, { type: "object", properties: {} })
    assert.deepStrictEqual(schemaOf({}), { type: "object", properties: {} })
    assert.deepStrictEqual(schemaOf(Schema.Struct({})), { type: "object", properties: {} })
    assert.isUndefined(tool.outputSchema)
  })

  it("fields become properties; required lists only the required ones", () => {
    const schema = schemaOf({
      text: Schema.String,
      count: Schema.Int,
      ratio: Schema.optional(Schema.Number),
      flag: Schema.Boolean,
      tags: Schema.Array(Schema.String),
      mode: Schema.Literal("fast", "slow")
    })
    assert.strictEqual(schema.type, "object")
    assert.deepStrictEqual([...(schema.required as Array<string>)].sort(), ["count", "flag", "mode", "tags", "text"])
    const properties = schema.properties as Record<string, any>
    assert.deepStrictEqual(Object.keys(properties), ["text", "count", "ratio", "flag", "tags", "mode"])
    assert.strictEqual(properties.text.type, "string")
    assert.strictEqual(properties.count.type, "integer")
    assert.strictEqual(properties.ratio.type, "number")
    assert.strictEqual(properties.flag.type, "boolean")
    assert.deepStrictEqual(properties.tags, { type: "array", items: { type: "string" } })
    assert.deepStrictEqual([...properties.mode.enum].sort(), ["fast", "slow"])
  })

  it("an all-optional object has an empty required list (or none)", () => {
    const schema = schemaOf({ q: Schema.optional(Schema.String) })
    assert.deepStrictEqual(schema.required ?? [], [])
    assert.deepStrictEqual(Object.keys(schema.properties as object), ["q"])
  })

  it("description and title annotations reach clients", () => {
    const schema = schemaOf(
      Schema.Struct({
        query: Schema.String.annotations({ description: "Full-text query", title: "Query" }),
        limit: Schema.optional(Schema.Int.annotations({ description: "Max hits" }))
      }).annotations({ description: "Search the docs" })
    )
    assert.strictEqual(schema.description, "Search the docs")
    const properties = schema.properties as Record<string, any>
    assert.strictEqual(properties.query.description, "Full-text query")
    assert.strictEqual(properties.query.title, "Query")
    assert.strictEqual(properties.limit.description, "Max hits")
  })

  it("a Schema.Class is inlined at the top level (no top-level $ref)", () => {
    class Search extends Schema.Class<Search>("Search")(
      { query: Schema.String.annotations({ description: "q" }), limit: Schema.optional(Schema.Int) },
      { description: "Search docs" }
    ) {}
    const schema = schemaOf(Search)
    assert.isUndefined(schema.$ref)
    assert.strictEqual(schema.type, "object")
    assert.strictEqual(schema.description, "Search docs")
    assert.deepStrictEqual(schema.required, ["query"])
    assert.hasAllKeys(schema.properties as object, ["query", "limit"])
  })

  it("a recursive Schema keeps its definitions in $defs with 2020-12 references", () => {
    interface Node {
      readonly name: string
      readonly children: ReadonlyArray<Node>
    }
    const Node = Schema.Struct({
      name: Schema.String,
      children: Schema.Array(Schema.suspend((): Schema.Schema<Node> => Node))
    }).annotations({ identifier: "Node" })
    const schema = schemaOf({ root: Node })
    const defs = schema.$defs as Record<string, any>
    assert.isDefined(defs, "recursive schemas need $defs")
    assert.hasAllKeys(defs, ["Node"])
    assert.include(JSON.stringify(schema), "\"$ref\":\"#/$defs/Node\"")
    assert.notInclude(JSON.stringify(schema), "#/definitions/", "2020-12 uses $defs, not draft-07 definitions")
  })

  it("derives the encoded side: what the client sends", () => {
    const schema = schemaOf({ when: Schema.DateFromString, n: Schema.NumberFromString })
    const properties = schema.properties as Record<string, any>
    assert.strictEqual(properties.when.type, "string")
    assert.strictEqual(properties.n.type, "string")
  })

  it("emits no dialect marker unless the user wrote one", () => {
    assert.isUndefined(schemaOf({ a: Schema.String }).$schema)
  })

  it("an output Schema gives an object outputSchema", () => {
    const tool = Tool.make("add", {
      parameters: { a: Schema.Number, b: Schema.Number },
      success: Schema.Struct({ result: Schema.Number.annotations({ description: "The sum" }) })
    }).handle(({ a, b }) => Effect.succeed({ result: a + b }))
    assert.deepStrictEqual(tool.outputSchema, {
      type: "object",
      required: ["result"],
      properties: { result: { type: "number", description: "The sum" } },
      additionalProperties: false
    })
  })

  it("output schemas describe the encoded form that structuredContent carries", () => {
    const tool = Tool.make("when", { success: Schema.Struct({ at: Schema.DateFromString }) }).handle(() =>
      Effect.succeed({ at: new Date(0) })
    )
    assert.strictEqual((tool.outputSchema!.properties as any).at.type, "string")
  })

  it("is derived once, when the tool is made", () => {
    const tool = Tool.make("t", { parameters: { a: Schema.String } }).handle(() => Effect.succeed("x"))
    assert.strictEqual(tool.inputSchema, tool.inputSchema)
  })

  it("prompt arguments: names, descriptions and required flags", () => {
    const prompt = Prompt.make("review", {
      arguments: {
        language: Schema.String.annotations({ description: "Programming language" }),
        code: Schema.optional(Schema.String.annotations({ description: "The code" })),
        style: Schema.optional(Schema.String)
      }
    }).handle(() => Effect.succeed("x"))
    assert.deepStrictEqual(prompt.arguments, [
      { name: "language", description: "Programming language", required: true },
      { name: "code", description: "The code", required: false },
      { name: "style", required: false }
    ])
    assert.deepStrictEqual(Prompt.make("plain").handle(() => Effect.succeed("x")).arguments, [])
  })
})

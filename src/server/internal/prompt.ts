/** @internal */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as Option from "effect/Option"
import * as McpError from "../../protocol/McpError.js"
import type * as McpSchema from "../../protocol/McpSchema.js"
import type { Completer } from "../Completion.js"
import type * as Prompt from "../Prompt.js"
import { formatParseError } from "../../protocol/internal/preview.js"

const toResult = (output: Prompt.Output, description: string | undefined): McpSchema.GetPromptResult => {
  const withDescription = description === undefined ? {} : { description }
  if (typeof output === "string") {
    return { ...withDescription, messages: [{ role: "user", content: { type: "text", text: output } }] }
  }
  if (Array.isArray(output)) return { ...withDescription, messages: output as ReadonlyArray<McpSchema.PromptMessage> }
  return output as McpSchema.GetPromptResult
}

// The built-in keywords carry generic descriptions ("a string"); only the user's say anything.
const builtIn: ReadonlySet<SchemaAST.AST> = new Set([SchemaAST.stringKeyword, SchemaAST.numberKeyword, SchemaAST.booleanKeyword])
const userDescription = (ast: SchemaAST.AST): string | undefined =>
  builtIn.has(ast) ? undefined : Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(ast))

const argumentsOf = (schema: Schema.Schema.Any): ReadonlyArray<Prompt.Argument> => {
  const ast = schema.ast
  if (!SchemaAST.isTypeLiteral(ast)) return []
  return ast.propertySignatures.map((ps) => {
    // `Schema.optional(X)` makes the type `X | undefined`; the description sits on X.
    const members = SchemaAST.isUnion(ps.type) ? ps.type.types.filter((t) => !SchemaAST.isUndefinedKeyword(t)) : []
    const description = Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(ps))
      ?? userDescription(ps.type)
      ?? (members.length === 1 ? userDescription(members[0]!) : undefined)
    return {
      name: String(ps.name),
      ...(description === undefined ? {} : { description }),
      required: !ps.isOptional
    }
  })
}

/** @internal */
export const make = (name: string, options: {
  readonly title?: string
  readonly description?: string
  readonly icons?: ReadonlyArray<McpSchema.Icon>
  readonly arguments?: Prompt.Arguments
  readonly complete?: Record<string, Completer<any> | undefined>
} = {}) => ({
  handle: <E, R>(handler: (args: any) => Effect.Effect<Prompt.Output, E, R>): Prompt.Prompt<any> => {
    const schema = Schema.Struct((options.arguments ?? {}) as Schema.Struct.Fields)
    const decode = Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "ignore" })
    const completers: Record<string, Completer<any>> = {}
    for (const [arg, completer] of Object.entries(options.complete ?? {})) {
      if (completer !== undefined) completers[arg] = completer
    }
    return {
      _tag: "Prompt",
      name,
      title: options.title,
      description: options.description,
      icons: options.icons,
      arguments: argumentsOf(schema),
      completers,
      get: (args) =>
        decode(args ?? {}).pipe(
          Effect.mapError((error) =>
            new McpError.InvalidParams({
              message: `Invalid arguments for prompt ${name}: ${formatParseError(error)}`
            })
          ),
          Effect.flatMap(handler),
          Effect.map((output) => toResult(output, options.description))
        )
    }
  }
})

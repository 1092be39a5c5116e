/** @internal */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as McpSchema from "../../protocol/McpSchema.js"
import type * as Tool from "../Tool.js"
import { objectJsonSchema } from "./jsonSchema.js"

const toSchema = (parameters: Tool.Parameters | undefined): Schema.Schema<any, any, never> =>
  parameters === undefined
    ? Schema.Struct({}) as Schema.Schema<any, any, never>
    : Schema.isSchema(parameters)
    ? parameters as Schema.Schema<any, any, never>
    : Schema.Struct(parameters as Schema.Struct.Fields) as unknown as Schema.Schema<any, any, never>

const isContent = (u: object): u is McpSchema.Content => "type" in u && typeof (u as { type: unknown }).type === "string"

/** @internal */
export const toResult = (output: Tool.Output): McpSchema.CallToolResult => {
  if (typeof output === "string") return { content: [{ type: "text", text: output }] }
  if (Array.isArray(output)) return { content: output as ReadonlyArray<McpSchema.Content> }
  if (isContent(output as object)) return { content: [output as McpSchema.Content] }
  return output as McpSchema.CallToolResult
}

/** @internal */
export const make = <P extends Tool.Parameters, S extends Schema.Schema<any, any, never> | undefined>(
  name: string,
  options: Tool.Options<P, S> = {}
): Tool.Builder<P, S> => ({
  handle: <E, R>(handler: (params: any) => Effect.Effect<any, E, R>) => {
    const parameters = toSchema(options.parameters)
    const decodeParams = Schema.decodeUnknown(parameters, { errors: "all", onExcessProperty: "ignore" })
    const success = options.success
    const encodeSuccess = success === undefined ? undefined : Schema.encode(success)
    const decode = (args: unknown) =>
      Effect.mapError(
        decodeParams(args ?? {}),
        (error) => `Invalid arguments for tool ${name}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
      )
    const run = encodeSuccess === undefined
      ? (params: unknown) => Effect.map(handler(params), (output) => toResult(output as Tool.Output))
      : (params: unknown) =>
        Effect.flatMap(handler(params), (value) =>
          Effect.map(
            // An output that does not match the tool's own success Schema is a bug in the tool.
            Effect.orDie(encodeSuccess(value)),
            (encoded): McpSchema.CallToolResult => ({
              content: [{ type: "text", text: JSON.stringify(encoded) }],
              structuredContent: encoded as Record<string, unknown>
            })
          ))
    return {
      _tag: "Tool",
      name,
      title: options.title,
      description: options.description,
      annotations: options.annotations,
      icons: options.icons,
      _meta: options._meta,
      inputSchema: objectJsonSchema(parameters),
      outputSchema: success === undefined ? undefined : objectJsonSchema(success),
      decode,
      run
    } as Tool.Tool<any>
  }
})

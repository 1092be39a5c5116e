/** @internal */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as McpSchema from "../../protocol/McpSchema.js"
import { McpContext } from "../McpContext.js"
import type * as Tool from "../Tool.js"
import { objectJsonSchema } from "./jsonSchema.js"
import { formatParseError } from "../../protocol/internal/preview.js"

const toSchema = (parameters: Tool.Parameters | undefined): Schema.Schema.AnyNoContext =>
  parameters === undefined
    ? Schema.Struct({}) as Schema.Schema.AnyNoContext
    : Schema.isSchema(parameters)
    ? parameters as Schema.Schema.AnyNoContext
    : Schema.Struct(parameters as Schema.Struct.Fields) as unknown as Schema.Schema.AnyNoContext

const isContent = (u: object): u is McpSchema.Content => "type" in u && typeof (u as { type: unknown }).type === "string"

/** @internal */
export const toResult = (output: Tool.Output): McpSchema.CallToolResult => {
  if (typeof output === "string") return { content: [{ type: "text", text: output }] }
  if (Array.isArray(output)) return { content: output as ReadonlyArray<McpSchema.Content> }
  if (isContent(output as object)) return { content: [output as McpSchema.Content] }
  return output as McpSchema.CallToolResult
}

// SEP-2243: properties reachable from the root through `properties` chains only.
const headerParamsOf = (schema: Record<string, unknown>, path: ReadonlyArray<string> = []): Array<Tool.HeaderParam> => {
  const properties = schema.properties
  if (typeof properties !== "object" || properties === null) return []
  const found: Array<Tool.HeaderParam> = []
  for (const [name, property] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
    if (typeof property !== "object" || property === null) continue
    const header = property["x-mcp-header"]
    if (typeof header === "string" && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header)) {
      found.push({ header, path: [...path, name] })
    }
    found.push(...headerParamsOf(property, [...path, name]))
  }
  return found
}

// Whether a synchronous decode stopped at an asynchronous transformation.
const hasForbidden = (issue: ParseResult.ParseIssue): boolean => {
  if (issue._tag === "Forbidden") return true
  if ("issues" in issue) {
    const issues = issue.issues
    return Array.isArray(issues) ? issues.some(hasForbidden) : hasForbidden(issues as ParseResult.ParseIssue)
  }
  if ("issue" in issue) return hasForbidden(issue.issue as ParseResult.ParseIssue)
  return false
}

/** @internal */
export const make = <P extends Tool.Parameters, S extends Schema.Schema.AnyNoContext | undefined>(
  name: string,
  options: Tool.Options<P, S> = {}
): Tool.Builder<P, S> => ({
  handle: <E, R>(handler: (params: any) => Effect.Effect<any, E, R>) => {
    const parameters = toSchema(options.parameters)
    const inputSchema = objectJsonSchema(parameters)
    const decodeOptions = { errors: "all", onExcessProperty: "ignore" } as const
    const decodeParams = Schema.decodeUnknown(parameters, decodeOptions)
    // Synchronous first (the common case, and much cheaper than the Effect decoder); a Schema
    // with asynchronous transformations is Forbidden there and takes the Effect path.
    const decodeParamsSync = Schema.decodeUnknownEither(parameters, decodeOptions)
    const success = options.success
    const encodeSuccess = success === undefined ? undefined : Schema.encode(success)
    const describe = (error: ParseResult.ParseError) =>
      `Invalid arguments for tool ${name}: ${formatParseError(error)}`
    const decode = (args: unknown): Effect.Effect<unknown, string> => {
      const decoded = decodeParamsSync(args ?? {})
      if (decoded._tag === "Right") return Effect.succeed(decoded.right)
      if (!hasForbidden(decoded.left.issue)) return Effect.fail(describe(decoded.left))
      return Effect.mapError(decodeParams(args ?? {}), describe)
    }
    const runHandler = encodeSuccess === undefined
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
    // An automatically detaching task tool becomes a task as its handler starts (a no-op
    // unless the request may get one).
    const run = options.task !== undefined && options.taskDetach !== "manual"
      ? (params: unknown) => Effect.zipRight(Effect.flatMap(McpContext, (ctx) => ctx.detach), runHandler(params))
      : runHandler
    return {
      _tag: "Tool",
      name,
      title: options.title,
      description: options.description,
      annotations: options.annotations,
      icons: options.icons,
      _meta: options._meta,
      inputSchema,
      headerParams: headerParamsOf(inputSchema),
      task: options.task,
      taskDetach: options.taskDetach ?? "auto",
      outputSchema: success === undefined ? undefined : objectJsonSchema(success),
      decode,
      run,
      registered: undefined
    } as Tool.Tool<any>
  }
})

/** @internal */
import * as Effect from "effect/Effect"
import * as JSONSchema from "effect/JSONSchema"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as McpSchema from "../../protocol/McpSchema.js"
import * as Version from "../../protocol/Version.js"
import type * as McpContext from "../McpContext.js"
import type { Outbound } from "../Outbound.js"
import type { RequestMeta } from "../RequestMeta.js"

const decodeElicitResult = Schema.decodeUnknown(McpSchema.ElicitResult)
const decodeCreateMessageResult = Schema.decodeUnknown(McpSchema.CreateMessageResult)
const decodeListRootsResult = Schema.decodeUnknown(McpSchema.ListRootsResult)

const badAnswer = (method: string) => (error: ParseResult.ParseError) =>
  new McpError.InvalidParams({
    message: `The client's answer to ${method} is malformed: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
  })

const hasCapability = (meta: RequestMeta, path: ReadonlyArray<string>): boolean => {
  let node: unknown = meta.clientCapabilities
  for (const key of path) {
    if (typeof node !== "object" || node === null) return false
    node = (node as Record<string, unknown>)[key]
  }
  return node !== undefined && node !== null
}

// Elicitation schemas are flat objects of primitives: drop the JSON Schema dialect marker
// and keep the object at the top level.
const requestedSchemaCache = new WeakMap<object, unknown>()
const requestedSchemaOf = (schema: Schema.Schema.Any): unknown => {
  const cached = requestedSchemaCache.get(schema)
  if (cached !== undefined) return cached
  const { $schema: _, ...json } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  requestedSchemaCache.set(schema, json)
  return json
}

/** @internal */
export const make = (options: {
  readonly requestId: JsonRpc.RequestId
  readonly method: string
  readonly params: Record<string, unknown> | undefined
  readonly meta: RequestMeta
  readonly outbound: Outbound
  readonly detach?: Effect.Effect<void> | undefined
}): McpContext.McpContext["Type"] => {
  const { meta, outbound } = options
  const progressToken = meta.progressToken

  const progress = (value: number, opts?: McpContext.Progress): Effect.Effect<void> =>
    progressToken === undefined
      ? Effect.void
      : outbound.notify("notifications/progress", { progressToken, progress: value, ...opts })

  // Modern clients get logs only when the request asked for them; legacy sessions get
  // everything until `logging/setLevel` says otherwise.
  const threshold = meta.logLevel === undefined
    ? (Version.isModern(meta.protocolVersion) ? Infinity : 0)
    : McpSchema.loggingLevelRank[meta.logLevel]
  const log = ((level: McpSchema.LoggingLevel, data: unknown, logger?: string) =>
    McpSchema.loggingLevelRank[level] < threshold
      ? Effect.void
      : outbound.notify("notifications/message", logger === undefined ? { level, data } : { level, logger, data })
  ) as McpContext.ClientLog
  Object.assign(log, {
    debug: (data: unknown) => log("debug", data),
    info: (data: unknown) => log("info", data),
    notice: (data: unknown) => log("notice", data),
    warning: (data: unknown) => log("warning", data),
    error: (data: unknown) => log("error", data)
  })

  // Lazy: building an error captures a stack trace, far too costly to do for every request.
  const require = (path: ReadonlyArray<string>, capability: string) =>
    Effect.suspend(() =>
      hasCapability(meta, path) ? Effect.void : Effect.fail(new McpError.MissingClientCapability({ capability }))
    )

  // Default keys: the method and the call's position, stable across MRTR rounds.
  const counters: Record<string, number> = {}
  const keyOf = (prefix: string, options?: McpContext.InputOptions) => {
    if (options?.key !== undefined) return options.key
    const n = counters[prefix] ?? 0
    counters[prefix] = n + 1
    return `${prefix}-${n}`
  }

  const elicit = <A, I extends Record<string, unknown>>(
    message: string,
    schema: Schema.Schema<A, I>,
    options?: McpContext.InputOptions
  ) =>
    require(["elicitation"], "elicitation").pipe(
      Effect.zipRight(Effect.suspend(() =>
        outbound.request("elicitation/create", {
          ...(Version.hasIcons(meta.protocolVersion) ? { mode: "form" } : {}),
          message,
          requestedSchema: options?.requestedSchema ?? requestedSchemaOf(schema)
        }, keyOf("elicitation", options))
      )),
      Effect.flatMap((answer) => Effect.mapError(decodeElicitResult(answer), badAnswer("elicitation/create"))),
      Effect.flatMap((answer): Effect.Effect<McpContext.ElicitResult<A>, McpError.InvalidParams> =>
        answer.action === "accept"
          ? Effect.map(
            Effect.mapError(Schema.decodeUnknown(schema)(answer.content ?? {}), badAnswer("elicitation/create")),
            (content) => ({ action: "accept", content })
          )
          : Effect.succeed({ action: answer.action })
      )
    )

  const elicitUrl = (opts: McpContext.ElicitUrlOptions & McpContext.InputOptions) =>
    require(["elicitation", "url"], "elicitation.url").pipe(
      Effect.zipRight(Effect.suspend(() =>
        outbound.request("elicitation/create", {
          mode: "url",
          message: opts.message,
          url: opts.url,
          elicitationId: opts.elicitationId
        }, keyOf("elicitation", opts))
      )),
      Effect.flatMap((answer) => Effect.mapError(decodeElicitResult(answer), badAnswer("elicitation/create"))),
      Effect.map((answer): McpContext.ElicitResult<void> =>
        answer.action === "accept" ? { action: "accept", content: undefined } : { action: answer.action }
      )
    )

  const sample = (params: McpSchema.CreateMessageParams, options?: McpContext.InputOptions) =>
    require(["sampling"], "sampling").pipe(
      Effect.zipRight(Effect.suspend(() => outbound.request("sampling/createMessage", params, keyOf("sampling", options)))),
      Effect.flatMap((answer) =>
        Effect.mapError(decodeCreateMessageResult(answer), badAnswer("sampling/createMessage"))
      )
    )

  const listRoots = require(["roots"], "roots").pipe(
    Effect.zipRight(Effect.suspend(() => outbound.request("roots/list", {}, keyOf("roots")))),
    Effect.flatMap((answer) => Effect.mapError(decodeListRootsResult(answer), badAnswer("roots/list"))),
    Effect.map((answer) => answer.roots)
  )

  return {
    requestId: options.requestId,
    method: options.method,
    params: options.params,
    meta,
    principal: meta.principal,
    progress,
    log,
    elicit,
    elicitUrl,
    sample,
    listRoots,
    closeStream: outbound.closeStream,
    detach: options.detach ?? Effect.void
  }
}

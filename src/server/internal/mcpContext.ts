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
import { formatParseError } from "../../protocol/internal/preview.js"

const decodeElicitResult = Schema.decodeUnknown(McpSchema.ElicitResult)
const decodeCreateMessageResult = Schema.decodeUnknown(McpSchema.CreateMessageResult)
const decodeListRootsResult = Schema.decodeUnknown(McpSchema.ListRootsResult)

const badAnswer = (method: string) => (error: ParseResult.ParseError) =>
  new McpError.InvalidParams({
    message: `The client's answer to ${method} is malformed: ${formatParseError(error)}`
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

interface State {
  readonly requestId: JsonRpc.RequestId
  readonly method: string
  readonly params: Record<string, unknown> | undefined
  readonly meta: RequestMeta
  readonly outbound: Outbound
  readonly detach: Effect.Effect<void>
  /** Default input keys: the method and the call's position, stable across MRTR rounds. */
  counters: Record<string, number> | undefined
}

const keyOf = (self: State, prefix: string, options?: McpContext.InputOptions) => {
  if (options?.key !== undefined) return options.key
  const counters = self.counters ??= {}
  const n = counters[prefix] ?? 0
  counters[prefix] = n + 1
  return `${prefix}-${n}`
}

// Lazy: building an error captures a stack trace, far too costly to do for every request.
const require = (self: State, path: ReadonlyArray<string>, capability: string) =>
  Effect.suspend(() =>
    hasCapability(self.meta, path) ? Effect.void : Effect.fail(new McpError.MissingClientCapability({ capability }))
  )

const progressOf = (self: State) => (value: number, opts?: McpContext.Progress): Effect.Effect<void> => {
  const progressToken = self.meta.progressToken
  return progressToken === undefined
    ? Effect.void
    : self.outbound.notify("notifications/progress", { progressToken, progress: value, ...opts })
}

const logOf = (self: State): McpContext.ClientLog => {
  const { meta, outbound } = self
  // Modern clients get logs only when the request asked for them; legacy sessions get
  // everything until `logging/setLevel` says otherwise.
  const threshold = meta.logLevel === undefined
    ? (Version.featuresOf(meta.protocolVersion).logLevel === "request" ? Infinity : 0)
    : McpSchema.loggingLevelRank[meta.logLevel]
  const log = ((level: McpSchema.LoggingLevel, data: unknown, logger?: string) =>
    McpSchema.loggingLevelRank[level] < threshold
      ? Effect.void
      : outbound.notify("notifications/message", logger === undefined ? { level, data } : { level, logger, data })
  ) as McpContext.ClientLog
  return Object.assign(log, {
    debug: (data: unknown) => log("debug", data),
    info: (data: unknown) => log("info", data),
    notice: (data: unknown) => log("notice", data),
    warning: (data: unknown) => log("warning", data),
    error: (data: unknown) => log("error", data)
  })
}

const elicitOf = (self: State) =>
<A, I extends Record<string, unknown>>(
  message: string,
  schema: Schema.Schema<A, I>,
  options?: McpContext.InputOptions
) =>
  require(self, ["elicitation"], "elicitation").pipe(
    Effect.zipRight(Effect.suspend(() =>
      self.outbound.request("elicitation/create", {
        ...(Version.featuresOf(self.meta.protocolVersion).elicitationModes ? { mode: "form" } : {}),
        message,
        requestedSchema: options?.requestedSchema ?? requestedSchemaOf(schema)
      }, keyOf(self, "elicitation", options))
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

const elicitUrlOf = (self: State) => (opts: McpContext.ElicitUrlOptions & McpContext.InputOptions) =>
  require(self, ["elicitation", "url"], "elicitation.url").pipe(
    Effect.zipRight(Effect.suspend(() =>
      self.outbound.request("elicitation/create", {
        mode: "url",
        message: opts.message,
        url: opts.url,
        elicitationId: opts.elicitationId
      }, keyOf(self, "elicitation", opts))
    )),
    Effect.flatMap((answer) => Effect.mapError(decodeElicitResult(answer), badAnswer("elicitation/create"))),
    Effect.map((answer): McpContext.ElicitResult<void> =>
      answer.action === "accept" ? { action: "accept", content: undefined } : { action: answer.action }
    )
  )

const sampleOf = (self: State) => (params: McpSchema.CreateMessageParams, options?: McpContext.InputOptions) =>
  require(self, ["sampling"], "sampling").pipe(
    Effect.zipRight(Effect.suspend(() =>
      self.outbound.request("sampling/createMessage", params, keyOf(self, "sampling", options))
    )),
    Effect.flatMap((answer) => Effect.mapError(decodeCreateMessageResult(answer), badAnswer("sampling/createMessage")))
  )

const listRootsOf = (self: State) =>
  require(self, ["roots"], "roots").pipe(
    Effect.zipRight(Effect.suspend(() => self.outbound.request("roots/list", {}, keyOf(self, "roots")))),
    Effect.flatMap((answer) => Effect.mapError(decodeListRootsResult(answer), badAnswer("roots/list"))),
    Effect.map((answer) => answer.roots)
  )

// Every request gets a context, most handlers use a little of it: the members are built
// when read (a getter per member on one shared prototype), not on every request.
const ContextProto = {
  get principal() {
    return (this as unknown as State).meta.principal
  },
  get progress() {
    return progressOf(this as unknown as State)
  },
  get log() {
    return logOf(this as unknown as State)
  },
  get elicit() {
    return elicitOf(this as unknown as State)
  },
  get elicitUrl() {
    return elicitUrlOf(this as unknown as State)
  },
  get sample() {
    return sampleOf(this as unknown as State)
  },
  get listRoots() {
    return listRootsOf(this as unknown as State)
  },
  get closeStream() {
    return (this as unknown as State).outbound.closeStream
  }
}

/** @internal */
export const make = (options: McpContext.MakeOptions): McpContext.McpContext["Type"] => {
  const state: State = Object.create(ContextProto)
  Object.assign(state, {
    requestId: options.requestId,
    method: options.method,
    params: options.params,
    meta: options.meta,
    outbound: options.outbound,
    detach: options.detach ?? Effect.void,
    counters: undefined
  })
  return state as unknown as McpContext.McpContext["Type"]
}

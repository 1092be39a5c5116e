/**
 * The MCP wire model shared by every revision we serve: request params as Effect
 * Schemas (decoded once per request with precompiled decoders) and result shapes.
 * Per-revision differences are gates in `Version`, applied by the era adapters.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The severity of a log message sent with `notifications/message` (RFC 5424 levels).
 *
 * @since 0.1.0
 * @category schemas
 */
export const LoggingLevel = Schema.Literal(
  "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"
)

/**
 * A {@link LoggingLevel} value.
 *
 * @since 0.1.0
 * @category models
 */
export type LoggingLevel = typeof LoggingLevel.Type

/**
 * Severity order of `LoggingLevel` (syslog, RFC 5424).
 *
 * @since 0.1.0
 * @category constants
 */
export const loggingLevelRank: Record<LoggingLevel, number> = {
  debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7
}

/**
 * An icon a client may show for the server, a tool, a resource or a prompt.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Icon = Schema.Struct({
  src: Schema.String,
  mimeType: Schema.optional(Schema.String),
  sizes: Schema.optional(Schema.Array(Schema.String)),
  theme: Schema.optional(Schema.Literal("light", "dark"))
})

/**
 * An {@link Icon} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Icon = typeof Icon.Type

/**
 * The name and version of a client or server (`clientInfo`, `serverInfo`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Implementation = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  websiteUrl: Schema.optional(Schema.String),
  icons: Schema.optional(Schema.Array(Icon))
})

/**
 * An {@link Implementation} value.
 *
 * @since 0.1.0
 * @category models
 */
export type Implementation = typeof Implementation.Type

/**
 * Capabilities a client declares; kept open so unknown keys pass through.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClientCapabilities = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * A {@link ClientCapabilities} value.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientCapabilities = typeof ClientCapabilities.Type

const Meta = Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/**
 * The params of `initialize`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InitializeParams = Schema.Struct({
  protocolVersion: Schema.String,
  capabilities: ClientCapabilities,
  clientInfo: Implementation,
  _meta: Meta
})

/**
 * The params of a paginated list request (`tools/list`, `resources/list`, ...).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PaginatedParams = Schema.Struct({ cursor: Schema.optional(Schema.String), _meta: Meta })

/**
<<<<<<< HEAD
 * The params of `tools/call`.
=======
 * The params of `tools/call`. The server checks the same shape by hand on its hot path
 * (`name` a string, `arguments` absent or a plain object), which is much cheaper than a decode.
>>>>>>> revisions
 *
 * @since 0.1.0
 * @category schemas
 */
export const CallToolParams = Schema.Struct({
  name: Schema.String,
  arguments: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  _meta: Meta
})

/**
 * The params of a request about one resource (`resources/read`, `resources/subscribe`, ...).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResourceParams = Schema.Struct({ uri: Schema.String, _meta: Meta })

/**
 * The params of `prompts/get`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GetPromptParams = Schema.Struct({
  name: Schema.String,
  arguments: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  _meta: Meta
})

/**
 * The params of `completion/complete`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompleteParams = Schema.Struct({
  ref: Schema.Union(
    Schema.Struct({ type: Schema.Literal("ref/prompt"), name: Schema.String }),
    Schema.Struct({ type: Schema.Literal("ref/resource"), uri: Schema.String })
  ),
  argument: Schema.Struct({ name: Schema.String, value: Schema.String }),
  context: Schema.optional(Schema.Struct({
    arguments: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
  })),
  _meta: Meta
})

/**
 * The params of `logging/setLevel`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SetLevelParams = Schema.Struct({ level: LoggingLevel, _meta: Meta })

/**
 * The params of `notifications/cancelled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CancelledParams = Schema.Struct({
  requestId: Schema.Union(Schema.String, Schema.Number),
  reason: Schema.optional(Schema.String)
})

/**
 * Hints about content or a resource: who it is for, how important it is, when it last changed.
 *
 * @since 0.1.0
 * @category models
 */
export type Annotations = {
  readonly audience?: ReadonlyArray<"user" | "assistant">
  readonly priority?: number
  readonly lastModified?: string
}

/**
 * The contents of a resource: text or base64 `blob`.
 *
 * @since 0.1.0
 * @category models
 */
export type ResourceContents =
  | { readonly uri: string; readonly mimeType?: string; readonly text: string; readonly _meta?: Record<string, unknown> }
  | { readonly uri: string; readonly mimeType?: string; readonly blob: string; readonly _meta?: Record<string, unknown> }

/**
 * One block of content: text, image, audio, an embedded resource or a resource link.
 *
 * @since 0.1.0
 * @category models
 */
export type Content =
  | { readonly type: "text"; readonly text: string; readonly annotations?: Annotations }
  | { readonly type: "image"; readonly data: string; readonly mimeType: string; readonly annotations?: Annotations }
  | { readonly type: "audio"; readonly data: string; readonly mimeType: string; readonly annotations?: Annotations }
  | {
    readonly type: "resource_link"
    readonly uri: string
    readonly name: string
    readonly title?: string
    readonly description?: string
    readonly mimeType?: string
    readonly annotations?: Annotations
  }
  | { readonly type: "resource"; readonly resource: ResourceContents; readonly annotations?: Annotations }

/**
 * The result of `tools/call`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallToolResult {
  readonly content: ReadonlyArray<Content>
  readonly structuredContent?: Record<string, unknown>
  readonly isError?: boolean
  readonly _meta?: Record<string, unknown>
}

/**
 * One message of a prompt.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromptMessage {
  readonly role: "user" | "assistant"
  readonly content: Content
}

/**
 * The result of `prompts/get`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetPromptResult {
  readonly description?: string
  readonly messages: ReadonlyArray<PromptMessage>
}

/**
 * The completion values of `completion/complete`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompleteResult {
  readonly values: ReadonlyArray<string>
  readonly total?: number
  readonly hasMore?: boolean
}

/**
 * A root the client exposes (`roots/list`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Root {
  readonly uri: string
  readonly name?: string | undefined
}

/**
 * One message of a `sampling/createMessage` request.
 *
 * @since 0.1.0
 * @category models
 */
export interface SamplingMessage {
  readonly role: "user" | "assistant"
  readonly content: Content | ReadonlyArray<Content>
}

/**
 * `sampling/createMessage` params.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateMessageParams {
  readonly messages: ReadonlyArray<SamplingMessage>
  readonly maxTokens: number
  readonly systemPrompt?: string
  readonly temperature?: number
  readonly stopSequences?: ReadonlyArray<string>
  readonly includeContext?: "none" | "thisServer" | "allServers"
  readonly modelPreferences?: Record<string, unknown>
  readonly metadata?: Record<string, unknown>
}

/**
 * The client's answer to `sampling/createMessage`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateMessageResult = Schema.Struct({
  role: Schema.Literal("user", "assistant"),
  content: Schema.Unknown,
  model: Schema.String,
  stopReason: Schema.optional(Schema.String)
})

/**
 * A {@link CreateMessageResult} value.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateMessageResult = typeof CreateMessageResult.Type

/**
 * The client's answer to `roots/list`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListRootsResult = Schema.Struct({
  roots: Schema.Array(Schema.Struct({ uri: Schema.String, name: Schema.optional(Schema.String) }))
})

/**
 * The client's answer to `elicitation/create`: accepted with content, declined or cancelled.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ElicitResult = Schema.Struct({
  action: Schema.Literal("accept", "decline", "cancel"),
  content: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

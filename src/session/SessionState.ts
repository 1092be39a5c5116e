/**
 * The state of one legacy MCP session (revisions 2024-11-05 to 2025-11-25, addressed by the
 * `Mcp-Session-Id` header) as one Schema value. It encodes to plain JSON, so that every
 * `SessionStore` (memory, file, Redis, Postgres) keeps the same thing, and a node that did not
 * open the session can serve it from the store alone.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as McpSchema from "../protocol/McpSchema.js"

/**
 * Where the session is in the `initialize` handshake: `"new"` before `initialize`,
 * `"initializing"` once it was answered, `"ready"` after `notifications/initialized`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Phase = Schema.Literal("new", "initializing", "ready")

/**
 * Where a session is in the initialize handshake.
 *
 * @since 0.2.0
 * @category models
 */
export type Phase = typeof Phase.Type

/**
 * The `clientInfo` of `initialize`: `name` and `version`, and whatever else the client sent
 * (`title`, `icons`, `websiteUrl`, ...), kept as it came.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ClientInfo = Schema.Struct(
  { name: Schema.String, version: Schema.String },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * The client's name and version, as its initialize request gave them.
 *
 * @since 0.2.0
 * @category models
 */
export interface ClientInfo extends Schema.Schema.Type<typeof ClientInfo> {}

/**
 * Milliseconds since the epoch, on the `Clock` of the node that wrote them.
 *
 * @since 0.2.0
 * @category schemas
 */
export const EpochMillis = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

/**
 * One legacy session:
 * - `id`: the `Mcp-Session-Id`;
 * - `protocolVersion`: the negotiated revision;
 * - `phase`: see {@link Phase};
 * - `clientInfo`, `clientCapabilities`: from `initialize`;
 * - `logLevel`: the level of `logging/setLevel` (notifications below it are not sent);
 * - `subscriptions`: URIs of `resources/subscribe`, an array in the encoded form too;
 * - `subject`: the subject of the principal that opened the session, if authenticated;
 * - `streamCursors`: for each SSE stream of the session, the id of the last event sent;
 * - `createdAt`, `lastSeenAt`: epoch milliseconds.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SessionState = Schema.Struct({
  id: Schema.String,
  protocolVersion: Schema.String,
  phase: Phase,
  clientInfo: Schema.optional(ClientInfo),
  clientCapabilities: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  logLevel: McpSchema.LoggingLevel,
  subscriptions: Schema.Array(Schema.String),
  subject: Schema.optional(Schema.String),
  streamCursors: Schema.Record({ key: Schema.String, value: Schema.String }),
  createdAt: EpochMillis,
  lastSeenAt: EpochMillis
}).annotations({ identifier: "SessionState", description: "The state of one legacy MCP session" })

/**
 * The state of one legacy session, as stored.
 *
 * @since 0.2.0
 * @category models
 */
export interface SessionState extends Schema.Schema.Type<typeof SessionState> {}

/**
 * The JSON form of a {@link SessionState}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Encoded extends Schema.Schema.Encoded<typeof SessionState> {}

/**
 * The state of a session just opened: phase `"new"`, no capabilities, no subscriptions, no
 * stream cursors, log level `"info"`, seen at `now`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (init: {
  readonly id: string
  readonly protocolVersion: string
  readonly now: number
  readonly subject?: string | undefined
}): SessionState => ({
  id: init.id,
  protocolVersion: init.protocolVersion,
  phase: "new",
  clientCapabilities: {},
  logLevel: "info",
  subscriptions: [],
  ...(init.subject === undefined ? {} : { subject: init.subject }),
  streamCursors: {},
  createdAt: init.now,
  lastSeenAt: init.now
})

/**
 * Encodes a state to its JSON form (compiled once).
 *
 * @since 0.2.0
 * @category encoding
 */
export const encode: (state: SessionState) => Effect.Effect<Encoded, ParseResult.ParseError> = Schema.encode(
  SessionState
)

/**
 * Decodes and validates a JSON value as a state (compiled once; all errors reported).
 *
 * @since 0.2.0
 * @category encoding
 */
export const decode: (u: unknown) => Effect.Effect<SessionState, ParseResult.ParseError> = Schema.decodeUnknown(
  SessionState,
  { errors: "all" }
)

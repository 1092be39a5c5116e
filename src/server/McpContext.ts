/**
 * The request context handlers read: request id, metadata, progress, logging,
 * and server-to-client requests that work in both eras.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type * as McpError from "../protocol/McpError.js"
import type * as McpSchema from "../protocol/McpSchema.js"
import type { Principal, RequestMeta } from "./RequestMeta.js"
import * as internal from "./internal/mcpContext.js"
import type { Outbound } from "./Outbound.js"

/**
 * Failures of a server-to-client request.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClientRequestError =
  | McpError.MissingClientCapability
  | McpError.ClientError
  | McpError.ClientTimeout
  | McpError.InvalidRequest
  | McpError.InvalidParams

/**
 * The client's answer to an elicitation: accepted with the decoded content, declined or cancelled.
 *
 * @since 0.1.0
 * @category models
 */
export type ElicitResult<A> =
  | { readonly action: "accept"; readonly content: A }
  | { readonly action: "decline" }
  | { readonly action: "cancel" }

/**
 * Logging to the client with `notifications/message`, honouring the level it asked for.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientLog {
  (level: McpSchema.LoggingLevel, data: unknown, logger?: string): Effect.Effect<void>
  readonly debug: (data: unknown) => Effect.Effect<void>
  readonly info: (data: unknown) => Effect.Effect<void>
  readonly notice: (data: unknown) => Effect.Effect<void>
  readonly warning: (data: unknown) => Effect.Effect<void>
  readonly error: (data: unknown) => Effect.Effect<void>
}

/**
 * Options of a progress notification: the `total`, and a `message`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  readonly total?: number
  readonly message?: string
}

/**
 * Options of a server-to-client request.
 *
 * @since 0.1.0
 * @category models
 */
export interface InputOptions {
  /**
   * The key of this request in a 2026-07-28 `InputRequiredResult` (`inputRequests`).
   * Defaults to the method and the call's position in the handler, which is stable as long
   * as the handler asks in the same order on every round.
   */
  readonly key?: string
  /**
   * A raw JSON Schema to send as `requestedSchema` instead of the one derived from the
   * Schema (for `default`s, enums with titles and other annotations the derivation does not emit).
   */
  readonly requestedSchema?: Record<string, unknown>
}

/**
 * Options of a URL-mode elicitation: the message, the URL to open and the elicitation's id.
 *
 * @since 0.1.0
 * @category models
 */
export interface ElicitUrlOptions {
  readonly message: string
  readonly url: string
  readonly elicitationId: string
}

/**
 * The request context a handler reads (`yield* McpServer.Context`): the request, its client, and
 * the ways to talk back.
 *
 * @since 0.1.0
 * @category services
 */
export class McpContext extends Context.Tag("turbomcp/McpContext")<McpContext, {
  readonly requestId: JsonRpc.RequestId
  readonly method: string
  readonly params: Record<string, unknown> | undefined
  readonly meta: RequestMeta
  readonly principal: Principal | undefined
  /** Sends `notifications/progress` when the request carried a progress token; a no-op otherwise. */
  readonly progress: (progress: number, options?: Progress) => Effect.Effect<void>
  readonly log: ClientLog
  /** Form-mode elicitation: asks the user for a value shaped by `schema` and decodes the answer. */
  readonly elicit: <A, I extends Record<string, unknown>>(
    message: string,
    schema: Schema.Schema<A, I>,
    options?: InputOptions
  ) => Effect.Effect<ElicitResult<A>, ClientRequestError>
  /** URL-mode elicitation (2025-11-25 and later). */
  readonly elicitUrl: (options: ElicitUrlOptions & InputOptions) => Effect.Effect<ElicitResult<void>, ClientRequestError>
  /** `sampling/createMessage`. */
  readonly sample: (params: McpSchema.CreateMessageParams, options?: InputOptions) => Effect.Effect<McpSchema.CreateMessageResult, ClientRequestError>
  /**
   * Closes this request's SSE stream early so the client reconnects and resumes with
   * `Last-Event-ID` (SEP-1699); the response still arrives. A no-op on stdio and JSON responses.
   */
  readonly closeStream: Effect.Effect<void>
  /** `roots/list`. */
  readonly listRoots: Effect.Effect<ReadonlyArray<McpSchema.Root>, ClientRequestError>
  /**
   * Turns the rest of this tool call into a task (the tasks extension, 2026-07-28): the
   * client gets a `CreateTaskResult` now and the handler goes on detached, its outcome kept
   * for `tasks/get`. Only for tools made with `task`, called by a request that declares the
   * extension; a no-op otherwise and when already detached.
   */
  readonly detach: Effect.Effect<void>
}>() {}

/**
 * What {@link make} builds a request context from.
 *
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  readonly requestId: JsonRpc.RequestId
  readonly method: string
  readonly params: Record<string, unknown> | undefined
  readonly meta: RequestMeta
  readonly outbound: Outbound
  /** What `detach` does; a no-op when absent. */
  readonly detach?: Effect.Effect<void> | undefined
}

/**
 * Builds the context for one request from its metadata and its way back to the client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: MakeOptions) => McpContext["Type"] = internal.make

/**
 * JSON-RPC 2.0 envelopes as MCP uses them: requests, notifications, responses and
 * batches, the standard error codes, and a codec that never throws on bad input.
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
import * as internal from "./internal/jsonRpc.js"

/**
 * A JSON-RPC request id.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestId = string | number

/**
 * A decoded JSON-RPC request: a method call that expects a response.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly _tag: "Request"
  readonly id: RequestId
  readonly method: string
  readonly params: Record<string, unknown> | undefined
}

/**
 * A decoded JSON-RPC notification: a method call without an id, answered by nothing.
 *
 * @since 0.1.0
 * @category models
 */
export interface Notification {
  readonly _tag: "Notification"
  readonly method: string
  readonly params: Record<string, unknown> | undefined
}

/**
 * A response the client sent to one of our server-initiated requests.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly _tag: "Response"
  readonly id: RequestId
  readonly result: unknown
  readonly error: ErrorObject | undefined
}

/**
 * Any decoded JSON-RPC message.
 *
 * @since 0.1.0
 * @category models
 */
export type Message = Request | Notification | Response

/**
 * The `error` member of a JSON-RPC error response.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorObject {
  readonly code: number
  readonly message: string
  readonly data?: unknown
}

/**
 * What a line or body decodes to: one message, a batch, or an error to send back
 * (with the offending request id when it could be read).
 *
 * @since 0.1.0
 * @category models
 */
export type Decoded =
  | { readonly _tag: "Single"; readonly message: Message }
  | { readonly _tag: "Batch"; readonly items: ReadonlyArray<Either.Either<Message, Invalid>> }

/**
 * A message that could not be decoded, with the error to answer it with (`id` is `null` when it
 * could not be read).
 *
 * @since 0.1.0
 * @category models
 */
export interface Invalid {
  readonly id: RequestId | null
  readonly error: ErrorObject
}

/**
 * Standard JSON-RPC and MCP error codes.
 *
 * @since 0.1.0
 * @category constants
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Legacy revisions: resource not found. */
  ResourceNotFound: -32002,
  /** 2025-11-25: URL mode elicitation required. */
  UrlElicitationRequired: -32042,
  /** 2026-07-28: HTTP headers disagree with the body. */
  HeaderMismatch: -32020,
  /** 2026-07-28: a capability the request needs was not declared. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the requested protocol version is not supported. */
  UnsupportedProtocolVersion: -32022
} as const

/**
 * Bounds on what one message may hold, checked when it is decoded, before any handler or
 * formatter sees it. A message over a bound is an invalid request (-32600) that names the
 * bound; the server goes on serving. The defaults are generous for real traffic and small
 * enough that no single message can exhaust the stack or the CPU.
 *
 * @since 0.2.0
 * @category models
 */
export interface Limits {
  /** How deeply arrays and objects may nest, counting the message itself; default 64. */
  readonly maxDepth: number
  /** The longest string (value or key), in UTF-16 units; default 1,048,576. */
  readonly maxStringLength: number
  /** The most items in one array and keys in one object; default 100,000. */
  readonly maxArrayLength: number
  /** The most messages in one JSON-RPC batch; default 100. */
  readonly maxBatchSize: number
}

/**
 * The bounds every transport applies unless told otherwise.
 *
 * @since 0.2.0
 * @category constructors
 */
export const defaultLimits: Limits = internal.defaultLimits

/**
 * The default bounds with some of them replaced.
 *
 * @since 0.2.0
 * @category constructors
 */
export const limits = (overrides: Partial<Limits> | undefined): Limits =>
  overrides === undefined ? defaultLimits : { ...defaultLimits, ...overrides }

/**
 * Parses text into messages. Never throws: malformed JSON is a parse error, a wrong shape or
 * a message over `limits` an invalid request.
 *
 * @since 0.1.0
 * @category codec
 */
export const decode: (text: string, limits?: Limits) => Either.Either<Decoded, Invalid> = internal.decode

/**
 * Classifies an already parsed JSON value, within `limits`.
 *
 * @since 0.1.0
 * @category codec
 */
export const fromJson: (json: unknown, limits?: Limits) => Either.Either<Decoded, Invalid> = internal.fromJson

/**
 * The text of a JSON-RPC success response.
 *
 * @since 0.1.0
 * @category codec
 */
export const successText: (id: RequestId, result: unknown) => string = internal.successText

/**
 * The text of a JSON-RPC error response.
 *
 * @since 0.1.0
 * @category codec
 */
export const errorText: (id: RequestId | null, error: ErrorObject) => string = internal.errorText

/**
 * The text of a JSON-RPC notification.
 *
 * @since 0.1.0
 * @category codec
 */
export const notificationText: (method: string, params: unknown) => string = internal.notificationText

/**
 * The text of a JSON-RPC request.
 *
 * @since 0.1.0
 * @category codec
 */
export const requestText: (id: RequestId, method: string, params: unknown) => string = internal.requestText

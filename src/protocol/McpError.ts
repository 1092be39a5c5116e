/**
 * Every expected protocol failure, as tagged errors, and the one place that maps
 * them to JSON-RPC error objects per revision.
 *
 * @since 0.1.0
 */
import { truncate } from "./internal/preview.js"
import * as Schema from "effect/Schema"
import type * as JsonRpc from "./JsonRpc.js"
import * as Version from "./Version.js"

/**
 * The message is not a valid request: -32600.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  message: Schema.String
}) {}

/**
 * The server does not serve the method: -32601.
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodNotFound extends Schema.TaggedError<MethodNotFound>()("MethodNotFound", {
  method: Schema.String
}) {
  override get message() {
    return `Method not found: ${truncate(this.method, 256)}`
  }
}

/**
 * The request's params are not valid for its method: -32602.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidParams extends Schema.TaggedError<InvalidParams>()("InvalidParams", {
  message: Schema.String
}) {}

/**
 * No tool has the requested name: -32602.
 *
 * @since 0.1.0
 * @category errors
 */
export class ToolNotFound extends Schema.TaggedError<ToolNotFound>()("ToolNotFound", {
  name: Schema.String
}) {
  override get message() {
    return `Unknown tool: ${truncate(this.name, 256)}`
  }
}

/**
 * No prompt has the requested name: -32602.
 *
 * @since 0.1.0
 * @category errors
 */
export class PromptNotFound extends Schema.TaggedError<PromptNotFound>()("PromptNotFound", {
  name: Schema.String
}) {
  override get message() {
    return `Unknown prompt: ${truncate(this.name, 256)}`
  }
}

/**
 * No resource or template matches the requested URI.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResourceNotFound extends Schema.TaggedError<ResourceNotFound>()("ResourceNotFound", {
  uri: Schema.String
}) {
  override get message() {
    return `Resource not found: ${truncate(this.uri, 256)}`
  }
}

/**
 * A request other than `ping` arrived before the session finished initializing.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotInitialized extends Schema.TaggedError<NotInitialized>()("NotInitialized", {
  method: Schema.String
}) {
  override get message() {
    return `Server not initialized: ${truncate(this.method, 256)} is not allowed before initialization completes`
  }
}

/**
 * A request needs a capability the client did not declare. `capability` names it (a dotted
 * path such as `elicitation.url`); `requiredCapabilities`, when given, is the
 * ClientCapabilities object -32021 carries instead of one derived from the path (for names
 * that contain dots, such as extensions).
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingClientCapability extends Schema.TaggedError<MissingClientCapability>()(
  "MissingClientCapability",
  {
    capability: Schema.String,
    requiredCapabilities: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  }
) {
  override get message() {
    return `The client does not support ${this.capability}`
  }
}

/**
 * The client answered one of our requests with an error.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClientError extends Schema.TaggedError<ClientError>()("ClientError", {
  method: Schema.String,
  code: Schema.Number,
  message: Schema.String
}) {}

/**
 * The client did not answer one of our requests in time.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClientTimeout extends Schema.TaggedError<ClientTimeout>()("ClientTimeout", {
  method: Schema.String
}) {
  override get message() {
    return `The client did not answer ${this.method} in time`
  }
}

/**
 * The server is shutting down and accepts no new requests.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerDraining extends Schema.TaggedError<ServerDraining>()("ServerDraining", {}) {
  override get message() {
    return "Server is shutting down"
  }
}

/**
 * The caller made too many requests; it may retry after `retryAfterMs`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends Schema.TaggedError<RateLimitExceeded>()("RateLimitExceeded", {
  retryAfterMs: Schema.Number
}) {
  override get message() {
    return "Rate limit exceeded"
  }
}

/**
 * The client asked for a protocol revision the server does not support.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedProtocolVersion extends Schema.TaggedError<UnsupportedProtocolVersion>()(
  "UnsupportedProtocolVersion",
  { requested: Schema.Unknown }
) {
  override get message() {
    return Version.unsupportedMessage(this.requested)
  }
}

/**
 * An HTTP header disagrees with the request body it accompanies.
 *
 * @since 0.1.0
 * @category errors
 */
export class HeaderMismatch extends Schema.TaggedError<HeaderMismatch>()("HeaderMismatch", {
  message: Schema.String
}) {}

/**
 * The server failed for a reason the client cannot act on: -32603, with a neutral message.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", {
  message: Schema.String
}) {}

/**
 * Failures the dispatcher answers as JSON-RPC errors.
 *
 * @since 0.1.0
 * @category models
 */
export type McpError =
  | InvalidRequest
  | MethodNotFound
  | InvalidParams
  | ToolNotFound
  | PromptNotFound
  | ResourceNotFound
  | NotInitialized
  | MissingClientCapability
  | ClientError
  | ClientTimeout
  | ServerDraining
  | RateLimitExceeded
  | UnsupportedProtocolVersion
  | HeaderMismatch
  | InternalError

// "elicitation.url" → { elicitation: { url: {} } }: the shape -32021 data carries.
const capabilityObject = (path: string): Record<string, unknown> =>
  path.split(".").reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), {})

/**
 * The only tag-to-code map: what each failure looks like on the wire in a revision.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toErrorObject = (error: McpError, version: Version.ProtocolVersion): JsonRpc.ErrorObject => {
  switch (error._tag) {
    case "InvalidRequest":
    case "NotInitialized":
      return { code: -32600, message: error.message }
    case "MethodNotFound":
      return { code: -32601, message: error.message }
    case "InvalidParams":
    case "ToolNotFound":
    case "PromptNotFound":
      return { code: -32602, message: error.message }
    case "ResourceNotFound":
      return { code: Version.featuresOf(version).resourceNotFoundCode, message: error.message, data: { uri: error.uri } }
    case "MissingClientCapability":
      return Version.featuresOf(version).missingCapabilityCode === -32021
        ? {
          code: -32021,
          message: error.message,
          data: { requiredCapabilities: error.requiredCapabilities ?? capabilityObject(error.capability) }
        }
        : { code: -32600, message: error.message }
    case "ClientError":
      return { code: -32603, message: `The client answered ${error.method} with an error: ${error.message}` }
    case "ClientTimeout":
    case "InternalError":
      return { code: -32603, message: error.message }
    case "ServerDraining":
      return { code: -32000, message: error.message }
    case "RateLimitExceeded":
      // No MCP revision defines a rate-limit code. -32000 is JSON-RPC's first
      // implementation-defined server error, the one MCP servers commonly answer a rate limit
      // with, and like ServerDraining it tells the client to come back later; `retryAfterMs`
      // in `data` is what sets it apart and says when (the HTTP transport also turns it into
      // 429 + Retry-After for 2026-07-28 requests).
      return { code: -32000, message: error.message, data: { retryAfterMs: error.retryAfterMs } }
    case "UnsupportedProtocolVersion":
      return {
        code: -32022,
        message: error.message,
        data: { supported: [Version.modern], requested: error.requested }
      }
    case "HeaderMismatch":
      return { code: -32020, message: error.message }
  }
}

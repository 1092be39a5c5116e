/**
 * The way back to the client for one request: request-scoped notifications
 * (progress, logs) and server-to-client requests (elicitation, sampling, roots).
 * Each transport and era supplies one; handlers only see `McpContext`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as McpError from "../protocol/McpError.js"

/**
 * How a request talks to its client: notifications, and server-to-client requests.
 *
 * @since 0.1.0
 * @category models
 */
export interface Outbound {
  readonly notify: (method: string, params: unknown) => Effect.Effect<void>
  /**
   * A server-to-client request. `key` names it within the request for the 2026-07-28
   * revision's multi round-trip requests (`inputRequests`); legacy transports ignore it.
   */
  readonly request: (
    method: string,
    params: unknown,
    key?: string
  ) => Effect.Effect<unknown, McpError.ClientError | McpError.ClientTimeout | McpError.InvalidRequest>
  /**
   * Closes the request's SSE stream early; the client resumes with `Last-Event-ID`
   * (SEP-1699 polling). A no-op where there is no such stream.
   */
  readonly closeStream: Effect.Effect<void>
}

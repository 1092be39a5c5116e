/**
 * An in-memory MCP client for users' own tests: it talks to the `McpServer` in the
 * test's context without processes or sockets, through the same dispatcher and the
 * same JSON text a transport would carry. Server-to-client requests (elicitation,
 * sampling, roots) are answered by handlers the test gives.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type * as McpSchema from "../protocol/McpSchema.js"
import type * as Version from "../protocol/Version.js"
import type { McpServer } from "../server/McpServer.js"
import type { TaskStatus } from "../server/TaskStore.js"
import * as internal from "./internal/testClient.js"

/**
 * The server answered with a JSON-RPC error.
 *
 * @since 0.1.0
 * @category errors
 */
export class RpcError extends Data.TaggedError("RpcError")<{
  readonly code: number
  readonly message: string
  readonly data?: unknown
}> {}

/**
 * A notification the server sent to the test client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Notification {
  readonly method: string
  readonly params: Record<string, unknown> | undefined
}

/**
 * Options of the test client: the revision and capabilities to initialize with, and handlers for
 * server-to-client requests.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Legacy revision to initialize with; default 2025-11-25. */
  readonly protocolVersion?: Version.ProtocolVersion
  /** Declared client capabilities; derived from the handlers given when absent. */
  readonly capabilities?: McpSchema.ClientCapabilities
  readonly onElicit?: (params: Record<string, unknown>) => Effect.Effect<unknown>
  readonly onSample?: (params: Record<string, unknown>) => Effect.Effect<unknown>
  readonly onListRoots?: () => Effect.Effect<ReadonlyArray<McpSchema.Root>>
}

/**
 * Per-request options of a 2026-07-28 request.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModernOptions {
  /** Client capabilities of this request only, in place of the client's. */
  readonly capabilities?: McpSchema.ClientCapabilities
}

/**
 * Options of `awaitTask`: which statuses stop the polling, whether to answer inputs, and the
 * polling interval.
 *
 * @since 0.1.0
 * @category models
 */
export interface AwaitTaskOptions extends ModernOptions {
  /** Also stop at these statuses (terminal statuses always stop). */
  readonly until?: ReadonlyArray<TaskStatus>
  /** Answer `input_required` with the client's handlers via `tasks/update`; default true. */
  readonly answerInputs?: boolean
  /** Pause between polls (on the `Clock`); default the task's `pollIntervalMs`. A plain number is milliseconds. */
  readonly interval?: Duration.DurationInput
}

/**
 * An in-process MCP client of the `McpServer` in context, for tests.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestClient {
  /** A legacy-session request (after `initialize`). */
  readonly request: (method: string, params?: Record<string, unknown>) => Effect.Effect<any, RpcError>
  readonly notify: (method: string, params?: Record<string, unknown>) => Effect.Effect<void>
  /** `initialize` + `notifications/initialized`. */
  readonly initialize: Effect.Effect<any, RpcError>
  readonly callTool: (name: string, args?: Record<string, unknown>) => Effect.Effect<McpSchema.CallToolResult, RpcError>
  /** A stateless 2026-07-28 request; MRTR rounds are answered with the handlers until complete. */
  readonly modern: (method: string, params?: Record<string, unknown>, options?: ModernOptions) => Effect.Effect<any, RpcError>
  /** One 2026-07-28 round: the result as the server gave it, `input_required` included. */
  readonly modernOnce: (
    method: string,
    params?: Record<string, unknown>,
    options?: ModernOptions
  ) => Effect.Effect<any, RpcError>
  /**
   * Polls `tasks/get` (tasks extension) until the task ends or reaches an `until` status,
   * answering its input requests with the handlers; gives the last `tasks/get` result.
   * Pauses on the `Clock`: under `TestClock`, adjust it (or use `it.live`).
   */
  readonly awaitTask: (taskId: string, options?: AwaitTaskOptions) => Effect.Effect<any, RpcError>
  /** Notifications the server sent on this session, in order. */
  readonly notifications: Queue.Dequeue<Notification>
  /** The id a request sent with `requestFiber` would get, for `notifications/cancelled` tests. */
  readonly nextRequestId: () => JsonRpc.RequestId
}

/**
 * Opens a session on the `McpServer` in context; it is closed with the scope.
 *
 * @example
 * import { Effect, Layer } from "effect"
 * import { McpServer } from "turbomcp-server"
 * import { TestClient } from "turbomcp-server/testing"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TestClient.make()
 *   yield* client.initialize
 *   return yield* client.callTool("echo", { text: "hi" })
 * })
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<TestClient, never, McpServer | Scope.Scope> = internal.make

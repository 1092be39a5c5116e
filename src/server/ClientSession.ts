/**
 * A legacy-era client session: what the `initialize` handshake established, the
 * client's log level and resource subscriptions, the requests it has in flight
 * (so `notifications/cancelled` can interrupt them), and the requests we sent it
 * that await an answer. A stdio process has one; Streamable HTTP has one per
 * `Mcp-Session-Id`. Modern (2026-07-28) requests never touch it.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type * as McpError from "../protocol/McpError.js"
import type * as McpSchema from "../protocol/McpSchema.js"
import type * as Version from "../protocol/Version.js"
import * as internal from "./internal/clientSession.js"

/**
 * A session's protocol state: its lifecycle phase and what `initialize` negotiated.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  /** `new` until `initialize`, `initializing` until `notifications/initialized`, then `ready`. */
  readonly phase: "new" | "initializing" | "ready"
  readonly protocolVersion: Version.ProtocolVersion
  readonly clientCapabilities: McpSchema.ClientCapabilities
  readonly clientInfo: McpSchema.Implementation | undefined
  readonly logLevel: McpSchema.LoggingLevel | undefined
  readonly subscriptions: ReadonlySet<string>
}

/**
 * A legacy-era client session: its state, its outbox, and the server-to-client requests awaiting an
 * answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientSession {
  readonly id: string
  /** The handshake's outcome and the session's settings. */
  readonly state: Effect.Effect<State>
  readonly updateState: (f: (state: State) => State) => Effect.Effect<void>
  /** `state`, read synchronously: for transports and the request fast path. */
  readonly unsafeState: () => State
  /** Sends a message that belongs to no request (list changes, resource updates). */
  readonly push: (text: string) => Effect.Effect<void>
  /** Sends a request to the client through `send` and waits for its answer. */
  readonly request: (
    send: (text: string) => Effect.Effect<void>,
    method: string,
    params: unknown
  ) => Effect.Effect<unknown, McpError.ClientError | McpError.ClientTimeout>
  /** Routes a client's answer to the request that awaits it. */
  readonly resolve: (response: JsonRpc.Response) => Effect.Effect<boolean>
  /** Request fibers in flight, by JSON-RPC id, for cancellation. */
  readonly track: (id: JsonRpc.RequestId, fiber: Fiber.RuntimeFiber<unknown, unknown>) => void
  readonly untrack: (id: JsonRpc.RequestId) => void
  readonly cancel: (id: JsonRpc.RequestId) => Effect.Effect<void>
  /** Fails every request awaiting an answer; used when the session ends. */
  readonly close: Effect.Effect<void>
}

/**
 * A new session, not initialized; `push` sends a message to its client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: {
  readonly id: string
  readonly push: (text: string) => Effect.Effect<void>
  readonly clientRequestTimeout?: Duration.DurationInput
}) => Effect.Effect<ClientSession> = internal.make

/**
 * The state of a session that has not been initialized.
 *
 * @since 0.1.0
 * @category constructors
 */
export const initialState: State = internal.initialState

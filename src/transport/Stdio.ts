/**
 * The stdio transport: newline-delimited JSON-RPC on stdin/stdout. Only MCP
 * messages go to stdout; logs go to stderr. Requests are served concurrently and
 * answered as they finish; end of input drains what is in flight and ends the run. While the
 * run shuts down, new requests are answered with the JSON-RPC error `-32000`.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Layer from "effect/Layer"
import type { Readable, Writable } from "node:stream"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type { McpServer } from "../server/McpServer.js"
import * as internal from "./internal/stdio.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Defaults to `process.stdin`. */
  readonly stdin?: Readable
  /** Defaults to `process.stdout`. */
  readonly stdout?: Writable
  /**
   * The longest line (one message or batch), in characters; default 4 Mi. A longer line is
   * dropped as it arrives and answered -32600; the next line is served.
   */
  readonly maxLineLength?: number
  /**
   * How long shutdown waits for requests in flight before interrupting them (they are then
   * answered -32000); default 30 seconds.
   */
  readonly drainTimeout?: Duration.DurationInput
  /** Bounds on each JSON-RPC message; default `JsonRpc.defaultLimits`. */
  readonly limits?: Partial<JsonRpc.Limits>
}

/**
 * Serves the `McpServer` on stdio for as long as the layer's scope is open.
 *
 * @example
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { Lifecycle, McpServer, Stdio } from "turbomcp-server"
 *
 * const Main = Stdio.layer().pipe(Layer.provide(McpServer.layer({ name: "demo", version: "1.0.0" })))
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: Options) => Layer.Layer<never, never, McpServer> = internal.layer

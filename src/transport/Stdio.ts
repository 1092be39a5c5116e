/**
 * The stdio transport: newline-delimited JSON-RPC on stdin/stdout. Only MCP
 * messages go to stdout; logs go to stderr. Requests are served concurrently and
 * answered as they finish; end of input drains what is in flight and ends the run. While the
 * run shuts down, new requests are answered with the JSON-RPC error `-32000`.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Readable, Writable } from "node:stream"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import type { McpServer } from "../server/McpServer.js"
import * as internal from "./internal/stdio.js"

/**
 * Options of the stdio transport; every one has a default.
 *
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

/**
 * The options {@link layerConfig} reads from `Config`: all of {@link Options} but the streams.
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOptions = Omit<Options, "stdin" | "stdout">

/**
 * `layer` with its options read from `Config` when the layer is built; a missing or malformed
 * value fails the layer with a `ConfigError`. Streams are not configuration: pass them, if not
 * `process.stdin`/`process.stdout`, as plain values in `streams`.
 *
 * @example
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Config, Layer } from "effect"
 * import { Lifecycle, McpServer, Stdio } from "turbomcp-server"
 *
 * const Main = Stdio.layerConfig({
 *   maxLineLength: Config.integer("MCP_MAX_LINE_LENGTH").pipe(Config.withDefault(4 * 1024 * 1024))
 * }).pipe(Layer.provide(McpServer.layer({ name: "demo", version: "1.0.0" })))
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<ConfigOptions>,
  streams?: Pick<Options, "stdin" | "stdout">
): Layer.Layer<never, ConfigError.ConfigError, McpServer> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), (config) => layer({ ...config, ...streams })))

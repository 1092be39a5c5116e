/**
 * OpenTelemetry tracing through `@effect/opentelemetry`: a layer that installs the tracer with
 * an exporter (OTLP over HTTP, console, none, or any `SpanExporter`), W3C trace-context parents
 * from `_meta.traceparent` or the HTTP `traceparent` header, and the attribute names of
 * OpenTelemetry's MCP semantic conventions.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Tracing } from "turbomcp-server"
 *
 * const TracingLive = Tracing.layer({ serviceName: "calc", exporter: "otlp", otlp: { url: "http://127.0.0.1:4318/v1/traces" } })
 *
 * const handle = (traceparent: string | undefined) =>
 *   Effect.log("adding").pipe(
 *     Tracing.withRequestSpan({ method: "tools/call", tool: "add", requestId: 1, traceparent })
 *   )
 *
 * NodeRuntime.runMain(handle("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").pipe(Effect.provide(TracingLive)))
 * ```
 *
 * @since 0.1.0
 */
import type { SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import type { Middleware } from "../server/Middleware.js"
import type { Registry } from "../server/Registry.js"
import * as mcpMiddleware from "./internal/mcpMiddleware.js"
import * as internal from "./internal/tracing.js"

// -----------------------------------------------------------------------------
// attribute names (OpenTelemetry semantic conventions for MCP, development status)
// -----------------------------------------------------------------------------

/**
 * The JSON-RPC method, e.g. `tools/call`. Required on MCP spans.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_MCP_METHOD_NAME: "mcp.method.name" = internal.ATTR_MCP_METHOD_NAME

/**
 * The legacy-era `Mcp-Session-Id`.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_MCP_SESSION_ID: "mcp.session.id" = internal.ATTR_MCP_SESSION_ID

/**
 * The negotiated (or per-request, in the modern era) protocol revision.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_MCP_PROTOCOL_VERSION: "mcp.protocol.version" = internal.ATTR_MCP_PROTOCOL_VERSION

/**
 * The resource URI of `resources/read`, `resources/subscribe` and the like.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_MCP_RESOURCE_URI: "mcp.resource.uri" = internal.ATTR_MCP_RESOURCE_URI

/**
 * The tool of `tools/call`.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_GEN_AI_TOOL_NAME: "gen_ai.tool.name" = internal.ATTR_GEN_AI_TOOL_NAME

/**
 * The prompt of `prompts/get`.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_GEN_AI_PROMPT_NAME: "gen_ai.prompt.name" = internal.ATTR_GEN_AI_PROMPT_NAME

/**
 * `execute_tool` on tool calls, and only there.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_GEN_AI_OPERATION_NAME: "gen_ai.operation.name" = internal.ATTR_GEN_AI_OPERATION_NAME

/**
 * The JSON-RPC request id as a string; absent on notifications.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_JSONRPC_REQUEST_ID: "jsonrpc.request.id" = internal.ATTR_JSONRPC_REQUEST_ID

/**
 * Only when not `2.0`.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_JSONRPC_PROTOCOL_VERSION: "jsonrpc.protocol.version" = internal.ATTR_JSONRPC_PROTOCOL_VERSION

/**
 * The JSON-RPC error code of the answer, as a string (e.g. `-32602`).
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_RPC_RESPONSE_STATUS_CODE: "rpc.response.status_code" = internal.ATTR_RPC_RESPONSE_STATUS_CODE

/**
 * The error class: the JSON-RPC code as a string, `tool_error` for a `CallToolResult` with
 * `isError: true`, or the failure's `_tag`.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_ERROR_TYPE: "error.type" = internal.ATTR_ERROR_TYPE

/**
 * `pipe` on stdio, `tcp` on HTTP.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_NETWORK_TRANSPORT: "network.transport" = internal.ATTR_NETWORK_TRANSPORT

/**
 * `http` on the HTTP transports.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_NETWORK_PROTOCOL_NAME: "network.protocol.name" = internal.ATTR_NETWORK_PROTOCOL_NAME

/**
 * `1.1` or `2`.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_NETWORK_PROTOCOL_VERSION: "network.protocol.version" = internal.ATTR_NETWORK_PROTOCOL_VERSION

/**
 * The client's IP address.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_CLIENT_ADDRESS: "client.address" = internal.ATTR_CLIENT_ADDRESS

/**
 * The client's TCP port.
 *
 * @since 0.1.0
 * @category attributes
 */
export const ATTR_CLIENT_PORT: "client.port" = internal.ATTR_CLIENT_PORT

// -----------------------------------------------------------------------------
// layers
// -----------------------------------------------------------------------------

/**
 * Where spans go: `"otlp"` (OTLP/HTTP JSON via `@effect/opentelemetry`'s `OtlpTracer`),
 * `"console"` (stdout: never with the stdio transport, whose stdout is the protocol's),
 * `"none"` (Effect's own tracer; nothing exported), or any OpenTelemetry `SpanExporter`.
 *
 * @since 0.1.0
 * @category models
 */
export type Exporter = "otlp" | "console" | "none" | SpanExporter

/**
 * `url` defaults to `http://localhost:4318/v1/traces`; header values may be `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface OtlpOptions extends internal.OtlpOptions {}

/**
 * - `serviceName`, `serviceVersion`, `attributes`: the OpenTelemetry resource.
 * - `exporter`: see {@link Exporter}.
 * - `spanProcessor` (`"batch"` by default, `"simple"` for the console): how a `SpanExporter`
 *   receives spans; tests use `"simple"` with an `InMemorySpanExporter`.
 * - `shutdownTimeout`: how long the layer's finalizer waits to flush.
 *
 * @since 0.1.0
 * @category models
 */
export interface TracingOptions extends internal.Options {}

/**
 * The default OTLP/HTTP traces endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultOtlpUrl: string = internal.defaultOtlpUrl

/**
 * Installs the tracer for everything that runs with this layer; spans are flushed when its
 * scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options: TracingOptions) => Layer.Layer<never> = internal.layer

/**
 * The options {@link layerConfig} reads.
 *
 * @since 0.1.0
 * @category models
 */
export interface TracingConfigOptions {
  readonly serviceName: string
  readonly serviceVersion?: string | undefined
  readonly exporter: "otlp" | "console" | "none"
  readonly otlpUrl?: string | undefined
}

/**
 * `layer` with its options read from `Config` (see {@link TracingConfigOptions}); a missing or
 * malformed value fails the layer with a `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<TracingConfigOptions>
): Layer.Layer<never, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), (config) =>
    layer({
      serviceName: config.serviceName,
      serviceVersion: config.serviceVersion,
      exporter: config.exporter,
      otlp: { url: config.otlpUrl }
    })))

// -----------------------------------------------------------------------------
// trace context
// -----------------------------------------------------------------------------

/**
 * Parses a W3C `traceparent` (and optional `tracestate`) into a remote parent span; `None`
 * when absent or invalid.
 *
 * @since 0.1.0
 * @category trace context
 */
export const parseTraceparent: (
  traceparent: string | undefined,
  tracestate?: string | undefined
) => Option.Option<Tracer.ExternalSpan> = internal.parseTraceparent

/**
 * The parent carried in an MCP request's `params._meta` (`traceparent`, `tracestate`; SEP-414).
 *
 * @since 0.1.0
 * @category trace context
 */
export const parentFromMeta: (meta: unknown) => Option.Option<Tracer.ExternalSpan> = internal.parentFromMeta

/**
 * The parent carried in HTTP headers (lower-case names, as node:http gives them).
 *
 * @since 0.1.0
 * @category trace context
 */
export const parentFromHeaders: (
  headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
) => Option.Option<Tracer.ExternalSpan> = internal.parentFromHeaders

/**
 * Runs an effect with the span of a W3C `traceparent` as its parent; unchanged when the
 * header is absent or invalid.
 *
 * @since 0.1.0
 * @category trace context
 */
export const withParentFromTraceparent: {
  (
    traceparent: string | undefined,
    tracestate?: string | undefined
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    traceparent: string | undefined,
    tracestate?: string | undefined
  ): Effect.Effect<A, E, R>
} = internal.withParentFromTraceparent

// -----------------------------------------------------------------------------
// request spans
// -----------------------------------------------------------------------------

/**
 * What the server knows of a request when it opens its span.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestSpanOptions extends internal.RequestSpanOptions {}

/**
 * The span name the conventions ask for: `{method} {tool or prompt}`, else `{method}`.
 *
 * @since 0.1.0
 * @category request spans
 */
export const spanName: (options: Pick<RequestSpanOptions, "method" | "tool" | "prompt">) => string = internal.spanName

/**
 * The span attributes for a request, under the convention's names.
 *
 * @since 0.1.0
 * @category request spans
 */
export const requestAttributes: (options: RequestSpanOptions) => Record<string, unknown> = internal.requestAttributes

/**
 * Runs a request handler in a `server` span named and attributed per the MCP conventions. With
 * a valid `traceparent`, that context is the parent and the ambient span (say, the HTTP
 * request's) is linked. Typed failures set `error.type` to their `_tag`; the span's status is
 * the exit's.
 *
 * @since 0.1.0
 * @category request spans
 */
export const withRequestSpan: {
  (options: RequestSpanOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestSpanOptions): Effect.Effect<A, E, R>
} = internal.withRequestSpan

// -----------------------------------------------------------------------------
// the server's requests
// -----------------------------------------------------------------------------

/**
 * Options of the tracing middleware: the `transport` recorded as `network.transport` (`pipe` for
 * stdio, `tcp` for HTTP).
 *
 * @since 0.1.0
 * @category models
 */
export interface MiddlewareOptions extends mcpMiddleware.TracingMiddlewareOptions {}

/**
 * The tracing middleware: runs every request the dispatcher serves in a `server` span named
 * and attributed per the MCP semantic conventions (`tools/call add`, `mcp.method.name`,
 * `gen_ai.tool.name`, `mcp.session.id`, `mcp.protocol.version`, `jsonrpc.request.id`,
 * `error.type`, `rpc.response.status_code`). Its parent is `_meta.traceparent` when the request
 * carries one, else the HTTP `traceparent` header; the transport's own span, if any, is linked.
 * Inner middleware and the handler run inside it, so their spans are its children.
 *
 * @since 0.1.0
 * @category middleware
 */
export const middleware: (options?: MiddlewareOptions) => Middleware = mcpMiddleware.tracingMiddleware

/**
 * A request span for every request, as {@link middleware} makes it, registered as an observer
 * (`Middleware.Observer`): the span starts as the request starts, the request's fiber starts
 * with it as its parent span, and it ends with the request, with no Effect steps added per
 * request, so it encloses all middleware. It uses the request's tracer and clock, so
 * {@link layer} may be provided anywhere the transport sees it. {@link middleware} is the same span as a
 * middleware, for a place among your own (it also links an ambient span, which request
 * fibers do not have).
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { Http, Lifecycle, McpServer, Tracing } from "turbomcp-server"
 *
 * const Main = Http.layer({ port: 3000 }).pipe(
 *   Layer.provide(Tracing.layerMcp),
 *   Layer.provide(McpServer.layer({ name: "calc", version: "1.0.0" })),
 *   Layer.provide(Tracing.layer({ serviceName: "calc", exporter: "otlp" }))
 * )
 *
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMcp: Layer.Layer<never, never, Registry> = mcpMiddleware.layerTracing()

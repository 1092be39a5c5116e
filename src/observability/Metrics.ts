/**
 * Request metrics recorded with Effect's `Metric` API and exported in Prometheus text format
 * through `@effect/opentelemetry` and `@opentelemetry/exporter-prometheus`.
 *
 * The server records, with the default `turbomcp` namespace and `server` subsystem:
 * - `turbomcp_server_requests_total{method,status[,tool]}` (counter)
 * - `turbomcp_server_request_duration_seconds{method[,tool]}` (histogram, configurable buckets)
 * - `turbomcp_server_active_connections`, `turbomcp_server_active_sessions` (gauges)
 * - `turbomcp_server_errors_total{error_type}` (counter)
 *
 * Every other metric made with Effect's `Metric` (counters, gauges, histograms, with labels)
 * appears in the same scrape: the exporter reads Effect's metric registry. Recording needs only
 * `effect`; the OpenTelemetry packages are imported on the first scrape.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Metrics } from "turbomcp-server"
 *
 * const jobs = Metric.counter("app_jobs_total", { incremental: true })
 *
 * const program = Effect.gen(function*() {
 *   yield* Metric.increment(jobs.pipe(Metric.tagged("queue", "mail")))
 *   yield* Metrics.recordRequest("tools/call", "success", 0.012, "send_mail")
 *   const text = yield* Metrics.PrometheusText
 *   yield* Effect.log(text)
 * })
 *
 * NodeRuntime.runMain(program.pipe(Effect.provide(Metrics.layerPrometheus())))
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import type { McpServer } from "../server/McpServer.js"
import type { Observer } from "../server/Middleware.js"
import type { Registry } from "../server/Registry.js"
import * as mcpMiddleware from "./internal/mcpMiddleware.js"
import * as internal from "./internal/metrics.js"
import * as metricsJson from "./internal/metricsJson.js"
import * as prometheus from "./internal/prometheus.js"

/**
 * - `namespace` (default `"turbomcp"`) and `subsystem` (default `"server"`) prefix every
 *   name; an empty string drops that part.
 * - `durationBuckets` (seconds; default 5 ms to 10 s, Prometheus' defaults).
 * - `maxLabelSets` (default 2000): distinct label combinations per metric before new ones
 *   are folded into `__overflow__`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricsOptions extends internal.Options {}

/**
 * The full names of the server's metrics.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricNames extends internal.Names {}

/**
 * `"success"`, `"error"` (the request failed or answered a JSON-RPC error) or `"cancelled"`;
 * other values are allowed.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestStatus = internal.RequestStatus

/**
 * What the server records per request and per connection. Cheap on the hot path: each call
 * is a cached label look-up and an add; `unsafeRecordRequest` is the same without an Effect,
 * for a Node callback.
 *
 * `method` should be a known MCP method (the dispatcher passes `"unknown"` for others) and
 * `tool` a registered tool's name, so that clients cannot create series at will.
 *
 * Gauges whose truth lives elsewhere (the server's session count) are sampled when read:
 * `addSampler` registers an effect, for the life of the calling scope, that `sample` runs
 * before every Prometheus scrape and JSON {@link snapshot}. The HTTP transport counts
 * connections itself (`connectionOpened`/`connectionClosed`) when this service is in its
 * context.
 *
 * @since 0.1.0
 * @category services
 */
export const McpMetrics: typeof internal.McpMetrics = internal.McpMetrics

/**
 * The service shape of {@link McpMetrics}.
 *
 * @since 0.1.0
 * @category services
 */
export type McpMetrics = internal.McpMetrics

/**
 * An `McpMetrics` service recording into Effect's metric registry, for use without a layer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: MetricsOptions): Effect.Effect<McpMetrics["Type"]> =>
  Effect.sync(() => internal.make(options))

/**
 * The names the metrics are registered under, with the options' prefix applied.
 *
 * @since 0.1.0
 * @category constructors
 */
export const names: (options?: MetricsOptions) => MetricNames = internal.names

/**
 * The default duration buckets, in seconds.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultBuckets: ReadonlyArray<number> = internal.defaultBuckets

/**
 * Records into Effect's metric registry, without an exporter (add {@link layerPrometheus} or an
 * OTLP metrics layer to export).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: MetricsOptions): Layer.Layer<McpMetrics> => Layer.effect(McpMetrics, make(options))

/**
 * `layer` with its options read from `Config` when the layer is built; a missing or malformed value
 * fails the layer with a `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<MetricsOptions>
): Layer.Layer<McpMetrics, ConfigError.ConfigError> => Layer.unwrapEffect(Effect.map(Config.unwrap(options), layer))

/**
 * Records nothing: the default when metrics are off.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<McpMetrics> = Layer.succeed(McpMetrics, internal.noop)

// -----------------------------------------------------------------------------
// accessors and combinators
// -----------------------------------------------------------------------------

/**
 * Records one request: its method, status and duration in seconds.
 *
 * @since 0.1.0
 * @category accessors
 */
export const recordRequest = (
  method: string,
  status: RequestStatus,
  durationSeconds: number,
  tool?: string
): Effect.Effect<void, never, McpMetrics> =>
  Effect.flatMap(McpMetrics, (metrics) => metrics.recordRequest(method, status, durationSeconds, tool))

/**
 * Counts one error of the given type.
 *
 * @since 0.1.0
 * @category accessors
 */
export const recordError = (errorType: string): Effect.Effect<void, never, McpMetrics> =>
  Effect.flatMap(McpMetrics, (metrics) => metrics.recordError(errorType))

/**
 * What {@link track} records a request under: its `method`, and the `tool` for `tools/call`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TrackOptions extends internal.TrackOptions {}

/**
 * Records a request around an effect: its duration on `Clock`, and the status from its exit
 * (`success`, `error`, `cancelled`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const trackRequest: {
  (options: TrackOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | McpMetrics>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: TrackOptions): Effect.Effect<A, E, R | McpMetrics>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, options: TrackOptions): Effect.Effect<A, E, R | McpMetrics> =>
    Effect.flatMap(McpMetrics, (metrics) => internal.track(self, metrics, options))
)

/**
 * Like {@link trackRequest}, with the service in hand (no context look-up per request).
 *
 * @since 0.1.0
 * @category combinators
 */
export const track: {
  (metrics: McpMetrics["Type"], options: TrackOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, metrics: McpMetrics["Type"], options: TrackOptions): Effect.Effect<A, E, R>
} = internal.track

// -----------------------------------------------------------------------------
// Prometheus
// -----------------------------------------------------------------------------

/**
 * Collecting metrics for a scrape failed.
 *
 * @since 0.1.0
 * @category errors
 */
export const MetricsExportError: typeof prometheus.MetricsExportError = prometheus.MetricsExportError

/**
 * The type of a {@link MetricsExportError} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type MetricsExportError = prometheus.MetricsExportError

/**
 * - `serviceName`, `serviceVersion`: the OpenTelemetry resource, shown as `target_info`.
 * - `targetInfo` (default: when `serviceName` is set): emit `target_info`.
 * - `scopeInfo` (default `false`): add the `otel_scope_name` label to every series.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrometheusOptions extends MetricsOptions, prometheus.ExporterOptions {}

/**
 * Renders all of Effect's metrics in Prometheus text format (0.0.4).
 *
 * @since 0.1.0
 * @category services
 */
export class Prometheus extends Context.Tag("turbomcp/Metrics/Prometheus")<Prometheus, {
  readonly scrape: Effect.Effect<string, MetricsExportError>
  /** `text/plain; version=0.0.4; charset=utf-8` */
  readonly contentType: string
}>() {}

/**
 * The Prometheus content type, `text/plain; version=0.0.4; charset=utf-8`.
 *
 * @since 0.1.0
 * @category constants
 */
export const contentType: string = prometheus.contentType

/**
 * The current scrape.
 *
 * @since 0.1.0
 * @category accessors
 */
export const PrometheusText: Effect.Effect<string, MetricsExportError, Prometheus> = Effect.flatMap(
  Prometheus,
  (exporter) => exporter.scrape
)

/**
 * The Prometheus exporter alone.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPrometheusExporter = (options?: prometheus.ExporterOptions): Layer.Layer<Prometheus> =>
  Layer.effect(Prometheus, prometheus.make(options))

/**
 * The server's metrics and their Prometheus exporter; serve the text with the management
 * routes (`/metrics`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPrometheus = (options?: PrometheusOptions): Layer.Layer<McpMetrics | Prometheus> =>
  Layer.effect(Prometheus, Effect.flatMap(McpMetrics, (metrics) => prometheus.make(options, metrics.sample))).pipe(
    Layer.provideMerge(layer(options))
  )

/**
 * `layerPrometheus` with its options read from `Config` when the layer is built; a missing or
 * malformed value fails the layer with a `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPrometheusConfig = (
  options: Config.Config.Wrap<PrometheusOptions>
): Layer.Layer<McpMetrics | Prometheus, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layerPrometheus))

// -----------------------------------------------------------------------------
// the server's requests
// -----------------------------------------------------------------------------

/**
 * The metrics observer: records every request the dispatcher serves, with its method,
 * status (`success`, `error` — including a `CallToolResult` with `isError: true` —, or
 * `cancelled`), duration on the request's `Clock`, and the `tool` label for registered tools only; failures
 * also count in `errors_total{error_type}` (the failure's tag, or `tool_error`).
 * {@link layerMcp} registers it as an observer (no Effect steps per request); to give it a
 * place among your middleware, register `Middleware.fromObserver(Metrics.observer(...))`.
 *
 * @since 0.1.0
 * @category middleware
 */
export const observer: (metrics: McpMetrics["Type"], registry: Registry["Type"]) => Observer =
  mcpMiddleware.metricsObserver

/**
 * Records the server's requests: registers {@link observer} with the server, and samples
 * `active_sessions` from the server at scrape time. `active_connections` is counted by the HTTP
 * transport when `McpMetrics` is in its context (provide the metrics layer beneath it).
 *
 * Observers see each request around all of its middleware, so metrics measure the whole
 * request wherever the layer sits. Middleware runs in registration order, the first
 * registered outermost, and a layer registers when it is built: with `Layer.provide`, the
 * layer given as argument is built first (here tracing wraps your own middleware):
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { Http, Lifecycle, McpServer, Metrics, Middleware, Tracing } from "turbomcp-server"
 *
 * const Main = Http.layer({ port: 3000 }).pipe(
 *   Layer.provide(McpServer.middleware(Middleware.logging)), // innermost
 *   Layer.provide(Metrics.layerMcp),
 *   Layer.provide(Tracing.layerMcp),                           // outermost
 *   Layer.provide(McpServer.layer({ name: "calc", version: "1.0.0" })),
 *   Layer.provide(Metrics.layerPrometheus()),
 *   Layer.provide(Tracing.layer({ serviceName: "calc", exporter: "otlp" }))
 * )
 *
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMcp: Layer.Layer<never, never, McpMetrics | Registry | McpServer> = mcpMiddleware.layerMetrics

// -----------------------------------------------------------------------------
// JSON
// -----------------------------------------------------------------------------

/**
 * One series of Effect's metric registry as JSON, for the management routes and
 * `SharedServer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricJson extends metricsJson.MetricJson {}

/**
 * Options of {@link snapshot}: `prefix` keeps only metrics whose name starts with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SnapshotOptions extends metricsJson.SnapshotOptions {}

/**
 * Every metric in Effect's registry (the server's and users' own), sorted by name, after
 * running the samplers of the `McpMetrics` in context if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const snapshot: (options?: SnapshotOptions) => Effect.Effect<ReadonlyArray<MetricJson>> = metricsJson.snapshot

/** @internal */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"

/** @internal */
export interface Options {
  readonly namespace?: string | undefined
  readonly subsystem?: string | undefined
  readonly durationBuckets?: ReadonlyArray<number> | undefined
  readonly maxLabelSets?: number | undefined
}

/** @internal */
export interface Names {
  readonly requestsTotal: string
  readonly requestDurationSeconds: string
  readonly activeConnections: string
  readonly activeSessions: string
  readonly errorsTotal: string
}

/** @internal */
export type RequestStatus = "success" | "error" | "cancelled" | (string & {})

/** @internal */
export interface Service {
  readonly names: Names
  readonly recordRequest: (
    method: string,
    status: RequestStatus,
    durationSeconds: number,
    tool?: string | undefined
  ) => Effect.Effect<void>
  readonly recordError: (errorType: string) => Effect.Effect<void>
  readonly unsafeRecordError: (errorType: string) => void
  readonly connectionOpened: Effect.Effect<void>
  readonly connectionClosed: Effect.Effect<void>
  readonly sessionOpened: Effect.Effect<void>
  readonly sessionClosed: Effect.Effect<void>
  readonly unsafeRecordRequest: (
    method: string,
    status: RequestStatus,
    durationSeconds: number,
    tool?: string | undefined
  ) => void
  /** Sets the `active_sessions` gauge (a sampler does, from the server's count). */
  readonly setActiveSessions: (count: number) => Effect.Effect<void>
  /** Sets the `active_connections` gauge; the HTTP transport counts with `connectionOpened`/`Closed`. */
  readonly setActiveConnections: (count: number) => Effect.Effect<void>
  /** Runs `sampler` before every export (scrape, JSON snapshot) while the calling scope is open. */
  readonly addSampler: (sampler: Effect.Effect<void>) => Effect.Effect<void, never, Scope.Scope>
  /** Runs every sampler: gauges read at scrape time are brought up to date. */
  readonly sample: Effect.Effect<void>
}

// The tag lives here, in a module that imports only `effect`, so that the transports can look
// it up (to count connections) without loading the OpenTelemetry exporter.
/** @internal */
export class McpMetrics extends Context.Tag("turbomcp/Metrics/McpMetrics")<McpMetrics, Service>() {}

/** @internal */
export const defaultBuckets: ReadonlyArray<number> = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** @internal */
export const names = (options?: Options): Names => {
  const prefix = [options?.namespace ?? "turbomcp", options?.subsystem ?? "server"]
    .filter((part) => part.length > 0)
    .join("_")
  const name = (suffix: string) => (prefix.length > 0 ? `${prefix}_${suffix}` : suffix)
  return {
    requestsTotal: name("requests_total"),
    requestDurationSeconds: name("request_duration_seconds"),
    activeConnections: name("active_connections"),
    activeSessions: name("active_sessions"),
    errorsTotal: name("errors_total")
  }
}

const OVERFLOW = "__overflow__"
const noLabels: ReadonlyArray<MetricLabel.MetricLabel> = []

// Label arrays are cached per label-value combination: Effect's metrics cache the registry hook
// per label array identity, so recording with a cached array is a map look-up and an add.
// Past `max` combinations every new one is folded into `__overflow__`, so hostile method or
// tool names cannot grow the registry without bound.
const makeLabelCache = (max: number) => {
  const cache = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
  return (key: string, build: (overflow: boolean) => ReadonlyArray<MetricLabel.MetricLabel>) => {
    const cached = cache.get(key)
    if (cached !== undefined) return cached
    if (cache.size >= max) {
      const overflow = cache.get(OVERFLOW)
      if (overflow !== undefined) return overflow
      const labels = build(true)
      cache.set(OVERFLOW, labels)
      return labels
    }
    const labels = build(false)
    cache.set(key, labels)
    return labels
  }
}

const makeSamplers = () => {
  // Each registration is its own object, so a scope removes exactly what it added.
  const samplers = Ref.unsafeMake<ReadonlyArray<{ readonly run: Effect.Effect<void> }>>([])
  const addSampler = (run: Effect.Effect<void>) =>
    Effect.asVoid(Effect.acquireRelease(
      Effect.suspend(() => {
        const entry = { run }
        return Effect.as(Ref.update(samplers, (all) => [...all, entry]), entry)
      }),
      (entry) => Ref.update(samplers, (all) => all.filter((e) => e !== entry))
    ))
  const sample = Effect.flatMap(Ref.get(samplers), (all) => Effect.forEach(all, (e) => e.run, { discard: true }))
  return { addSampler, sample }
}

/** @internal */
export const make = (options?: Options): Service => {
  const n = names(options)
  const maxLabelSets = options?.maxLabelSets ?? 2000
  const requests = Metric.counter(n.requestsTotal, {
    description: "MCP requests handled, by method, status and tool",
    incremental: true
  })
  const duration = Metric.histogram(
    n.requestDurationSeconds,
    MetricBoundaries.fromIterable(options?.durationBuckets ?? defaultBuckets),
    "MCP request duration in seconds, by method and tool"
  )
  const connections = Metric.gauge(n.activeConnections, { description: "Open client connections" })
  const sessions = Metric.gauge(n.activeSessions, { description: "Live MCP sessions" })
  const errors = Metric.counter(n.errorsTotal, { description: "Errors, by error type", incremental: true })

  const requestLabels = makeLabelCache(maxLabelSets)
  const durationLabels = makeLabelCache(maxLabelSets)
  const errorLabels = makeLabelCache(maxLabelSets)

  const unsafeRecordRequest = (method: string, status: string, durationSeconds: number, tool?: string) => {
    requests.unsafeUpdate(
      1,
      requestLabels(
        tool === undefined ? `${method}\u0000${status}` : `${method}\u0000${status}\u0000${tool}`,
        (overflow) =>
          overflow
            ? [MetricLabel.make("method", OVERFLOW), MetricLabel.make("status", OVERFLOW)]
            : tool === undefined
            ? [MetricLabel.make("method", method), MetricLabel.make("status", status)]
            : [MetricLabel.make("method", method), MetricLabel.make("status", status), MetricLabel.make("tool", tool)]
      )
    )
    duration.unsafeUpdate(
      durationSeconds,
      durationLabels(
        tool === undefined ? method : `${method}\u0000${tool}`,
        (overflow) =>
          overflow
            ? [MetricLabel.make("method", OVERFLOW)]
            : tool === undefined
            ? [MetricLabel.make("method", method)]
            : [MetricLabel.make("method", method), MetricLabel.make("tool", tool)]
      )
    )
  }

  const unsafeRecordError = (errorType: string) =>
    errors.unsafeUpdate(
      1,
      errorLabels(errorType, (overflow) => [MetricLabel.make("error_type", overflow ? OVERFLOW : errorType)])
    )

  return {
    names: n,
    unsafeRecordRequest,
    unsafeRecordError,
    recordRequest: (method, status, durationSeconds, tool) =>
      Effect.sync(() => unsafeRecordRequest(method, status, durationSeconds, tool)),
    recordError: (errorType) => Effect.sync(() => unsafeRecordError(errorType)),
    setActiveSessions: (count) => Effect.sync(() => sessions.unsafeUpdate(count, noLabels)),
    setActiveConnections: (count) => Effect.sync(() => connections.unsafeUpdate(count, noLabels)),
    ...makeSamplers(),
    connectionOpened: Effect.sync(() => connections.unsafeModify(1, noLabels)),
    connectionClosed: Effect.sync(() => connections.unsafeModify(-1, noLabels)),
    sessionOpened: Effect.sync(() => sessions.unsafeModify(1, noLabels)),
    sessionClosed: Effect.sync(() => sessions.unsafeModify(-1, noLabels))
  }
}

/** @internal */
export const noop: Service = {
  names: names(),
  unsafeRecordRequest: () => {},
  recordRequest: () => Effect.void,
  recordError: () => Effect.void,
  unsafeRecordError: () => {},
  connectionOpened: Effect.void,
  connectionClosed: Effect.void,
  sessionOpened: Effect.void,
  sessionClosed: Effect.void,
  setActiveSessions: () => Effect.void,
  setActiveConnections: () => Effect.void,
  addSampler: () => Effect.void,
  sample: Effect.void
}

/** @internal */
export interface TrackOptions {
  readonly method: string
  readonly tool?: string | undefined
}

/** @internal */
export const statusOf = <A, E>(exit: Exit.Exit<A, E>): RequestStatus =>
  Exit.isSuccess(exit) ? "success" : Exit.isInterrupted(exit) ? "cancelled" : "error"

/** @internal */
export const track = dual<
  (service: Service, options: TrackOptions) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>,
  <A, E, R>(self: Effect.Effect<A, E, R>, service: Service, options: TrackOptions) => Effect.Effect<A, E, R>
>(3, (self, service, options) =>
  Effect.clockWith((clock) => {
    const start = clock.unsafeCurrentTimeNanos()
    return Effect.onExit(self, (exit) =>
      Effect.sync(() =>
        service.unsafeRecordRequest(
          options.method,
          statusOf(exit),
          Number(clock.unsafeCurrentTimeNanos() - start) / 1e9,
          options.tool
        )
      ))
  }))

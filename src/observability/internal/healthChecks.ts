/** @internal */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs/promises"
import * as PerfHooks from "node:perf_hooks"
import { degraded, HealthCheckError, type HealthStatus, healthy, unhealthy } from "./healthStatus.js"

/** @internal */
export interface RedisPingable {
  readonly ping: () => Promise<string>
}

/** @internal */
export const redis = (client: RedisPingable): Effect.Effect<HealthStatus, HealthCheckError> =>
  Effect.tryPromise({
    try: () => client.ping(),
    catch: (cause) => new HealthCheckError({ check: "redis", reason: "PING failed", cause })
  }).pipe(Effect.map((reply) => (reply === "PONG" ? healthy : unhealthy(`unexpected PING reply: ${reply}`))))

/** @internal */
export type SqlQueryable =
  | { readonly unsafe: (sql: string) => Effect.Effect<unknown, unknown> }
  | { readonly query: (sql: string) => Promise<unknown> }

/** @internal */
export const postgres = (client: SqlQueryable): Effect.Effect<HealthStatus, HealthCheckError> => {
  const query: Effect.Effect<unknown, unknown> = "unsafe" in client
    ? Effect.suspend(() => client.unsafe("SELECT 1"))
    : Effect.tryPromise(() => client.query("SELECT 1"))
  return query.pipe(
    Effect.as(healthy),
    Effect.mapError((cause) => new HealthCheckError({ check: "postgres", reason: "SELECT 1 failed", cause }))
  )
}

/** @internal */
export interface HttpGetOptions {
  readonly isHealthy?: ((status: number) => boolean) | undefined
}

/** @internal */
export const httpGet = (
  url: string,
  options?: HttpGetOptions
): Effect.Effect<HealthStatus, HttpClientError.HttpClientError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.get(url)
    // read the (small) body so the connection returns to the pool
    yield* Effect.ignore(response.arrayBuffer)
    const ok = options?.isHealthy?.(response.status) ?? (response.status >= 200 && response.status < 400)
    return ok ? healthy : unhealthy(`GET ${url} answered ${response.status}`)
  })

/** @internal */
export interface DiskSpaceOptions {
  readonly unhealthyBelowBytes?: number | undefined
  readonly degradedBelowBytes?: number | undefined
  readonly unhealthyBelowRatio?: number | undefined
  readonly degradedBelowRatio?: number | undefined
}

const formatBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

/** @internal */
export const diskSpace = (path: string, options?: DiskSpaceOptions): Effect.Effect<HealthStatus, HealthCheckError> =>
  Effect.tryPromise({
    try: () => Fs.statfs(path),
    catch: (cause) => new HealthCheckError({ check: "disk", reason: `statfs ${path} failed`, cause })
  }).pipe(Effect.map((stats) => {
    const free = stats.bavail * stats.bsize
    const total = stats.blocks * stats.bsize
    const ratio = total > 0 ? free / total : 1
    const summary = `${formatBytes(free)} free at ${path} (${(ratio * 100).toFixed(1)}%)`
    if (free < (options?.unhealthyBelowBytes ?? 0) || ratio < (options?.unhealthyBelowRatio ?? 0.02)) {
      return unhealthy(summary)
    }
    if (free < (options?.degradedBelowBytes ?? 0) || ratio < (options?.degradedBelowRatio ?? 0.1)) {
      return degraded(summary)
    }
    return healthy
  }))

/** @internal */
export interface EventLoopDelayOptions {
  readonly degradedAbove?: Duration.DurationInput | undefined
  readonly unhealthyAbove?: Duration.DurationInput | undefined
  readonly percentile?: number | undefined
  readonly resolution?: Duration.DurationInput | undefined
}

/** @internal */
export const eventLoopDelay = (
  options?: EventLoopDelayOptions
): Effect.Effect<Effect.Effect<HealthStatus>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const degradedAbove = Duration.toMillis(options?.degradedAbove ?? "200 millis")
    const unhealthyAbove = Duration.toMillis(options?.unhealthyAbove ?? "1 second")
    const percentile = options?.percentile ?? 99
    const resolution = Math.max(1, Math.round(Duration.toMillis(options?.resolution ?? "20 millis")))
    // the histogram samples on a libuv timer: enabled for the life of the scope, disabled by its finalizer
    const histogram = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const h = PerfHooks.monitorEventLoopDelay({ resolution })
        h.enable()
        return h
      }),
      (h) => Effect.sync(() => h.disable())
    )
    return Effect.sync(() => {
      // each check reports the delay seen since the previous one
      const count = histogram.count
      const delayMs = count === 0 ? 0 : histogram.percentile(percentile) / 1e6
      histogram.reset()
      const summary = `event loop delay p${percentile} ${delayMs.toFixed(1)} ms`
      if (delayMs > unhealthyAbove) return unhealthy(summary)
      if (delayMs > degradedAbove) return degraded(summary)
      return healthy
    })
  })

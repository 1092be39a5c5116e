/**
 * Health checks: named Effects that report `Healthy`, `Degraded` or `Unhealthy`, each run with
 * a timeout, aggregated into liveness and readiness reports. The management routes
 * (`http/Management`) serve them as `/health/live` and `/health/ready`.
 *
 * Readiness fails while the server drains: the lifecycle module flips the flag with
 * {@link setDraining} when shutdown starts, so load balancers stop sending traffic at once.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Redis } from "ioredis"
 * import { Health } from "turbomcp-server"
 *
 * const redis = new Redis("redis://127.0.0.1:6379")
 *
 * const Checks = Layer.mergeAll(
 *   Health.check("redis", Health.redis(redis), { critical: false, timeout: "1 second" }),
 *   Health.check("disk", Health.diskSpace("/var/lib/app")),
 *   Health.checkScoped("event-loop", Health.eventLoopDelay(), { liveness: true }),
 *   Health.check("queue", Effect.succeed(Health.degraded("backlog above 1000")), { critical: false })
 * )
 *
 * const program = Effect.gen(function*() {
 *   const report = yield* Health.ready
 *   yield* Effect.log(Health.toJson(report))
 * })
 *
 * NodeRuntime.runMain(program.pipe(Effect.provide(Checks.pipe(Layer.provideMerge(Health.layer())))))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as SubscriptionRef from "effect/SubscriptionRef"
import * as Lifecycle from "../lifecycle/Lifecycle.js"
import * as internal from "./internal/health.js"
import * as checks from "./internal/healthChecks.js"
import * as status from "./internal/healthStatus.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The dependency works.
 *
 * @since 0.1.0
 * @category models
 */
export const Healthy: typeof status.Healthy = status.Healthy

/**
 * The type of the {@link Healthy} status.
 *
 * @since 0.1.0
 * @category models
 */
export type Healthy = status.Healthy

/**
 * The dependency works with reduced capacity or quality; readiness stays 200.
 *
 * @since 0.1.0
 * @category models
 */
export const Degraded: typeof status.Degraded = status.Degraded

/**
 * The type of a {@link Degraded} status.
 *
 * @since 0.1.0
 * @category models
 */
export type Degraded = status.Degraded

/**
 * The dependency does not work; a critical `Unhealthy` check turns readiness 503.
 *
 * @since 0.1.0
 * @category models
 */
export const Unhealthy: typeof status.Unhealthy = status.Unhealthy

/**
 * The type of an {@link Unhealthy} status.
 *
 * @since 0.1.0
 * @category models
 */
export type Unhealthy = status.Unhealthy

/**
 * The outcome of a check, or of a whole report: a Schema union tagged `Healthy`, `Degraded`
 * or `Unhealthy`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatus: typeof status.HealthStatus = status.HealthStatus

/**
 * The type of a {@link HealthStatus}: `Healthy`, `Degraded` or `Unhealthy`.
 *
 * @since 0.1.0
 * @category models
 */
export type HealthStatus = status.HealthStatus

/**
 * One check's outcome in a report, with its latency in milliseconds (measured on `Clock`).
 *
 * @since 0.1.0
 * @category models
 */
export const CheckResult: typeof status.CheckResult = status.CheckResult

/**
 * The type of a {@link CheckResult}.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckResult = status.CheckResult

/**
 * A liveness or readiness report: the aggregate status, whether the server drains, and
 * every check's result in registration order.
 *
 * @since 0.1.0
 * @category models
 */
export const HealthReport: typeof status.HealthReport = status.HealthReport

/**
 * The type of a {@link HealthReport}.
 *
 * @since 0.1.0
 * @category models
 */
export type HealthReport = status.HealthReport

/**
 * The status of a check whose dependency works.
 *
 * @since 0.1.0
 * @category constructors
 */
export const healthy: Healthy = status.healthy

/**
 * The status of a check whose dependency works with reduced service, with the reasons why.
 *
 * @since 0.1.0
 * @category constructors
 */
export const degraded: (...reasons: ReadonlyArray<string>) => Degraded = status.degraded

/**
 * The status of a check whose dependency does not work, with the reason why.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unhealthy: (reason: string) => Unhealthy = status.unhealthy

/**
 * The failure of a built-in check (Redis, Postgres, disk); the check reports it as
 * `Unhealthy` with this message.
 *
 * @since 0.1.0
 * @category errors
 */
export const HealthCheckError: typeof status.HealthCheckError = status.HealthCheckError

/**
 * The type of a {@link HealthCheckError} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type HealthCheckError = status.HealthCheckError

/**
 * Per-check settings.
 *
 * - `critical` (default `true`): an `Unhealthy` result turns readiness `Unhealthy` (503);
 *   a non-critical one only degrades it.
 * - `timeout` (default: the layer's `defaultTimeout`, 5 seconds): past it the check is
 *   interrupted and reported `Unhealthy`.
 * - `liveness` (default `false`): the check also counts for `/health/live`. Keep liveness for
 *   the process itself (event-loop delay), never for dependencies: a failing liveness probe
 *   restarts the process.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckOptions extends internal.CheckOptions {}

/**
 * Options of the `Health` service (see {@link layer}).
 *
 * @since 0.1.0
 * @category models
 */
export interface HealthOptions extends internal.Options {}

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The registry of health checks.
 *
 * A check is an `Effect<HealthStatus | void, E>`: `void` or `Healthy` means healthy, a failure
 * or defect means `Unhealthy` with the error's message. Registering a name again replaces it.
 *
 * @since 0.1.0
 * @category services
 */
export class Health extends Context.Tag("turbomcp/Health")<Health, {
  readonly register: <E>(
    name: string,
    check: Effect.Effect<HealthStatus | void, E>,
    options?: CheckOptions
  ) => Effect.Effect<void>
  readonly unregister: (name: string) => Effect.Effect<void>
  /** Liveness: the checks registered with `liveness: true`; draining does not affect it. */
  readonly live: Effect.Effect<HealthReport>
  /** Readiness: every check, `Unhealthy` while draining. Checks run concurrently. */
  readonly ready: Effect.Effect<HealthReport>
  readonly setDraining: (draining: boolean) => Effect.Effect<void>
  /** Watch `draining.changes`; flip it with `setDraining`. */
  readonly draining: SubscriptionRef.SubscriptionRef<boolean>
}>() {}

/**
 * A `Health` service with no checks registered, not draining.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: HealthOptions) => Effect.Effect<Health["Type"]> = internal.make

/**
 * The `Health` service with no checks; add them with {@link check} layers or {@link register}.
 *
 * Under `Lifecycle.launch` (or a `SharedServer`), readiness turns 503 as soon as shutdown
 * starts: the layer registers `setDraining(true)` as a drain hook, which runs before any
 * transport waits for requests in flight.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: HealthOptions): Layer.Layer<Health> =>
  Layer.scoped(Health, Effect.tap(make(options), (health) => Lifecycle.onDrain(health.setDraining(true))))

/**
 * `layer` with its options read from `Config` when the layer is built; a missing or malformed value
 * fails the layer with a `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<HealthOptions>
): Layer.Layer<Health, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layer))

// -----------------------------------------------------------------------------
// accessors
// -----------------------------------------------------------------------------

/**
 * Registers a check; its services are taken from the caller.
 *
 * @since 0.1.0
 * @category accessors
 */
export const register = <E, R>(
  name: string,
  check: Effect.Effect<HealthStatus | void, E, R>,
  options?: CheckOptions
): Effect.Effect<void, never, Health | R> =>
  Effect.flatMap(Effect.context<R>(), (context) =>
    Effect.flatMap(Health, (health) => health.register(name, Effect.provide(check, context), options)))

/**
 * Removes the check registered under `name`, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const unregister = (name: string): Effect.Effect<void, never, Health> =>
  Effect.flatMap(Health, (health) => health.unregister(name))

/**
 * Runs the liveness checks (those registered with `liveness: true`) and reports them.
 *
 * @since 0.1.0
 * @category accessors
 */
export const live: Effect.Effect<HealthReport, never, Health> = Effect.flatMap(Health, (health) => health.live)

/**
 * Runs every check and reports them; the report is `Unhealthy` while the server drains.
 *
 * @since 0.1.0
 * @category accessors
 */
export const ready: Effect.Effect<HealthReport, never, Health> = Effect.flatMap(Health, (health) => health.ready)

/**
 * Marks the server as draining (readiness turns 503 at once) or not.
 *
 * @since 0.1.0
 * @category accessors
 */
export const setDraining = (draining: boolean): Effect.Effect<void, never, Health> =>
  Effect.flatMap(Health, (health) => health.setDraining(draining))

// -----------------------------------------------------------------------------
// layers that register checks
// -----------------------------------------------------------------------------

/**
 * A layer that registers a check for as long as it lives; its services come from the layer's
 * context.
 *
 * @since 0.1.0
 * @category layers
 */
export const check = <E, R>(
  name: string,
  effect: Effect.Effect<HealthStatus | void, E, R>,
  options?: CheckOptions
): Layer.Layer<never, never, Health | Exclude<R, Scope.Scope>> =>
  Layer.scopedDiscard(Effect.acquireRelease(register(name, effect, options), () => unregister(name)))

/**
 * Like {@link check}, for checks that hold a resource for their lifetime, such as
 * {@link eventLoopDelay}: `acquire` runs once in the layer's scope and returns the check.
 *
 * @since 0.1.0
 * @category layers
 */
export const checkScoped = <E, R, E2, R2>(
  name: string,
  acquire: Effect.Effect<Effect.Effect<HealthStatus | void, E, R>, E2, R2>,
  options?: CheckOptions
): Layer.Layer<never, E2, Health | Exclude<R2, Scope.Scope> | R> =>
  Layer.scopedDiscard(
    Effect.flatMap(acquire, (effect) =>
      Effect.acquireRelease(register(name, effect, options), () => unregister(name)))
  )

// -----------------------------------------------------------------------------
// built-in checks
// -----------------------------------------------------------------------------

/**
 * The part of a Redis client the check uses; an `ioredis` client fits, so ioredis stays an
 * optional dependency.
 *
 * @since 0.1.0
 * @category models
 */
export interface RedisPingable extends checks.RedisPingable {}

/**
 * `PING`, expecting `PONG`.
 *
 * @since 0.1.0
 * @category checks
 */
export const redis: (client: RedisPingable) => Effect.Effect<HealthStatus, HealthCheckError> = checks.redis

/**
 * What the Postgres check needs: an `@effect/sql` `SqlClient` (its `unsafe`) or a `pg`-style
 * client or pool (its `query`).
 *
 * @since 0.1.0
 * @category models
 */
export type SqlQueryable = checks.SqlQueryable

/**
 * `SELECT 1`.
 *
 * @since 0.1.0
 * @category checks
 */
export const postgres: (client: SqlQueryable) => Effect.Effect<HealthStatus, HealthCheckError> = checks.postgres

/**
 * Options of {@link httpGet}: `isHealthy` decides from the status code (default: 2xx and 3xx).
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpGetOptions extends checks.HttpGetOptions {}

/**
 * `GET url` with the `HttpClient` in context; healthy on 2xx/3xx unless `isHealthy` says
 * otherwise.
 *
 * @since 0.1.0
 * @category checks
 */
export const httpGet: (
  url: string,
  options?: HttpGetOptions
) => Effect.Effect<HealthStatus, HttpClientError.HttpClientError, HttpClient.HttpClient> = checks.httpGet

/**
 * Thresholds for {@link diskSpace}; by default unhealthy below 2% free, degraded below 10%.
 *
 * @since 0.1.0
 * @category models
 */
export interface DiskSpaceOptions extends checks.DiskSpaceOptions {}

/**
 * Free space on the file system holding `path` (`statfs`), as available to unprivileged users.
 *
 * @since 0.1.0
 * @category checks
 */
export const diskSpace: (path: string, options?: DiskSpaceOptions) => Effect.Effect<HealthStatus, HealthCheckError> =
  checks.diskSpace

/**
 * Thresholds for {@link eventLoopDelay}; by default degraded above 200 ms, unhealthy above
 * 1 s, at the 99th percentile.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventLoopDelayOptions extends checks.EventLoopDelayOptions {}

/**
 * Event-loop delay from `perf_hooks.monitorEventLoopDelay`, sampled for the life of the scope;
 * each run reports the delay since the previous run. Use with {@link checkScoped}.
 *
 * @since 0.1.0
 * @category checks
 */
export const eventLoopDelay: (
  options?: EventLoopDelayOptions
) => Effect.Effect<Effect.Effect<HealthStatus>, never, Scope.Scope> = checks.eventLoopDelay

/**
 * The JSON body the health routes answer with.
 *
 * @since 0.1.0
 * @category models
 */
export interface HealthReportJson {
  readonly status: "healthy" | "degraded" | "unhealthy"
  readonly draining: boolean
  readonly reasons?: ReadonlyArray<string>
  readonly checks: Readonly<Record<string, {
    readonly status: "healthy" | "degraded" | "unhealthy"
    readonly critical: boolean
    readonly latencyMs: number
    readonly reasons?: ReadonlyArray<string>
  }>>
}

const statusName = (s: HealthStatus): "healthy" | "degraded" | "unhealthy" =>
  s._tag === "Healthy" ? "healthy" : s._tag === "Degraded" ? "degraded" : "unhealthy"

const statusReasons = (s: HealthStatus): ReadonlyArray<string> | undefined =>
  s._tag === "Healthy" ? undefined : s._tag === "Degraded" ? s.reasons : [s.reason]

/**
 * Renders a report as the load-balancer friendly JSON the routes serve.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toJson = (report: HealthReport): HealthReportJson => {
  const checks: Record<string, HealthReportJson["checks"][string]> = {}
  for (const result of report.checks) {
    const reasons = statusReasons(result.status)
    checks[result.name] = {
      status: statusName(result.status),
      critical: result.critical,
      latencyMs: result.latencyMs,
      ...(reasons === undefined ? {} : { reasons })
    }
  }
  const reasons = statusReasons(report.status)
  return {
    status: statusName(report.status),
    draining: report.draining,
    ...(reasons === undefined ? {} : { reasons }),
    checks
  }
}

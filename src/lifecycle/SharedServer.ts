/**
 * A handle on a server that other fibers hold while it runs: they read its readiness
 * report, a metrics snapshot, its configuration (secrets redacted) and its status
 * concurrently, watch its state, and can shut it down. State lives in a `SubscriptionRef`,
 * one-shot signals in `Deferred`s; the handle itself is immutable and safe to share.
 *
 * - `run` builds the layer and serves until `shutdown` (or interruption, e.g. SIGTERM under
 *   `NodeRuntime.runMain`), with the same shutdown sequence as `Lifecycle.launch`. A server
 *   runs once: a second `run` fails with `SharedServerError` (`AlreadyStarted`), and a `run`
 *   after a `shutdown` of a server that never ran fails with `Stopped`.
 * - `health`, `metrics` and `config` are `Some` while the server runs or drains and `None`
 *   before and after; `status` and `state` always answer, with the state's tag.
 * - `health` needs `Health` among the layer's outputs (`Layer.provideMerge(Health.layer())`);
 *   `config` shows the `McpServer` options, the `Http.Endpoint` address and the `config`
 *   option, when present; `metrics` is Effect's metric registry (`Metrics.snapshot`).
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Layer, Option, Schedule } from "effect"
 * import { Health, Http, McpServer, SharedServer } from "turbomcp-server"
 *
 * const Main = Http.layerEndpoint({ port: 3000 }).pipe(
 *   Layer.provideMerge(McpServer.layer({ name: "calc", version: "1.0.0" })),
 *   Layer.provideMerge(Health.layer())
 * )
 *
 * const program = Effect.gen(function*() {
 *   const server = yield* SharedServer.make(Main)
 *   // a monitor in its own fiber, while the server runs in this one
 *   yield* Effect.gen(function*() {
 *     const health = yield* server.health
 *     if (Option.isSome(health)) yield* Effect.log(Health.toJson(health.value).status)
 *   }).pipe(Effect.repeat(Schedule.spaced("10 seconds")), Effect.forkDaemon)
 *   yield* server.run
 * })
 *
 * NodeRuntime.runMain(program)
 * ```
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type * as Management from "../http/Management.js"
import type * as Health from "../observability/Health.js"
import type * as Metrics from "../observability/Metrics.js"
import * as internal from "./internal/sharedServer.js"

/**
 * `Idle` (made, not run) → `Starting` (building the layer) → `Running` → `Draining` (shutdown
 * began: readiness is 503, requests in flight finish) → `Stopped` (with the run's exit).
 *
 * @since 0.1.0
 * @category models
 */
export type State = internal.State

/**
 * Constructors and matchers of {@link State}.
 *
 * @since 0.1.0
 * @category models
 */
export const State: typeof internal.State = internal.State

/**
 * `run` was refused: `AlreadyStarted` (it was called before) or `Stopped` (the server was shut
 * down before it ran).
 *
 * @since 0.1.0
 * @category errors
 */
export const SharedServerError: typeof internal.SharedServerError = internal.SharedServerError

/**
 * The type of a {@link SharedServerError} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type SharedServerError = internal.SharedServerError

/**
 * What `status` answers: the state, and while the server runs its name, version, address,
 * uptime, and numbers of sessions and listen streams.
 *
 * @since 0.1.0
 * @category models
 */
export interface Status extends internal.Status {}

/**
 * - `config`: your application's configuration, shown (redacted) under `app` by `config`.
 * - `redact`: which keys count as secrets (`Management.redact`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly config?: unknown
  readonly redact?: Management.RedactOptions | undefined
}

/**
 * A handle on a server that other fibers hold while it runs: its state, health, metrics and
 * configuration, and `run`/`shutdown`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SharedServer<E = never> {
  /** The current state. */
  readonly state: Effect.Effect<State>
  /** The current state, then every change. */
  readonly changes: Stream.Stream<State>
  /** Builds the layer and serves until shut down; once per handle. */
  readonly run: Effect.Effect<void, E | SharedServerError>
  /**
   * Starts the graceful shutdown and waits until the server stopped. Never from a request
   * handler of this server: the drain waits for that request. Use `requestShutdown` there.
   */
  readonly shutdown: Effect.Effect<void>
  /** Starts the graceful shutdown without waiting. */
  readonly requestShutdown: Effect.Effect<void>
  /** Waits until the server stopped; its run's exit. */
  readonly awaitStopped: Effect.Effect<Exit.Exit<void, unknown>>
  /** The readiness report, while running and when the layer provides `Health`. */
  readonly health: Effect.Effect<Option.Option<Health.HealthReport>>
  /** Effect's metric registry as JSON, while running. */
  readonly metrics: Effect.Effect<Option.Option<ReadonlyArray<Metrics.MetricJson>>>
  /** The configuration with secrets redacted, while running. */
  readonly config: Effect.Effect<Option.Option<unknown>>
  /** Always answers; details while running. */
  readonly status: Effect.Effect<Status>
}

/**
 * A handle on a server that will run `layer`. Nothing is built until `run`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <ROut, E>(layer: Layer.Layer<ROut, E>, options?: Options) => Effect.Effect<SharedServer<E>> =
  internal.make

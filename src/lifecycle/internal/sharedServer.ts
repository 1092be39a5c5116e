/** @internal */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Redact from "../../http/internal/redact.js"
import { Health } from "../../observability/Health.js"
import * as MetricsJson from "../../observability/internal/metricsJson.js"
import { McpServer } from "../../server/McpServer.js"
import { Endpoint } from "../../transport/internal/http.js"
import type { Options, SharedServer } from "../SharedServer.js"
import * as Lifecycle from "./lifecycle.js"

/** @internal */
export type State = Data.TaggedEnum<{
  Idle: {}
  Starting: {}
  Running: { readonly startedAt: number }
  Draining: { readonly startedAt: number }
  Stopped: { readonly exit: Exit.Exit<void, unknown> }
}>

/** @internal */
export const State = Data.taggedEnum<State>()

/** @internal */
export class SharedServerError extends Schema.TaggedError<SharedServerError>("turbomcp/SharedServer/SharedServerError")(
  "SharedServerError",
  { reason: Schema.Literal("AlreadyStarted", "Stopped") }
) {
  override get message(): string {
    return this.reason === "AlreadyStarted"
      ? "SharedServer.run was already called: a server runs once"
      : "The server was shut down before it ran"
  }
}

/** @internal */
export interface Status {
  readonly state: State["_tag"]
  readonly name?: string
  readonly version?: string
  readonly url?: string
  readonly uptimeSeconds?: number
  readonly sessions?: number
  readonly listeners?: number
}


const isLive = (state: State): state is Extract<State, { readonly _tag: "Running" | "Draining" }> =>
  state._tag === "Running" || state._tag === "Draining"

/** @internal */
export const make = <ROut, E>(layer: Layer.Layer<ROut, E>, options: Options = {}): Effect.Effect<SharedServer<E>> =>
  Effect.gen(function*() {
    const state = yield* SubscriptionRef.make<State>(State.Idle())
    // Claimed by the first `run` or by a `shutdown` before any run. Kept apart from `state`, which
    // publishes every write: only real transitions are written there.
    const claimed = yield* Ref.make(false)
    // Shut down before it ran: it never will.
    const shutDownIdle = yield* Ref.make(false)
    // The built context while the server runs; `None` before and after.
    const running = yield* Ref.make(Option.none<Context.Context<unknown>>())
    const stop = yield* Deferred.make<void>()
    const stopped = yield* Deferred.make<Exit.Exit<void, unknown>>()

    // Runs `f` on the running server's context, or answers `None` when it does not run.
    const whileRunning = <A>(f: (context: Context.Context<unknown>) => Effect.Effect<Option.Option<A>>) =>
      Effect.flatMap(Ref.get(running), Option.match({ onNone: () => Effect.succeed(Option.none<A>()), onSome: f }))

    const finish = (exit: Exit.Exit<void, unknown>) =>
      Ref.set(running, Option.none()).pipe(
        Effect.zipRight(SubscriptionRef.set(state, State.Stopped({ exit }))),
        Effect.zipRight(Deferred.succeed(stopped, exit))
      )

    const onStart = (context: Context.Context<ROut>, drain: Lifecycle.DrainService) =>
      Effect.gen(function*() {
        const startedAt = yield* Clock.currentTimeMillis
        yield* Ref.set(running, Option.some(context as Context.Context<unknown>))
        yield* SubscriptionRef.set(state, State.Running({ startedAt }))
        yield* drain.onDrain(SubscriptionRef.set(state, State.Draining({ startedAt })))
      })

    const run: Effect.Effect<void, E | SharedServerError> = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        if (yield* Ref.getAndSet(claimed, true)) {
          const neverRan = yield* Ref.get(shutDownIdle)
          return yield* new SharedServerError({ reason: neverRan ? "Stopped" : "AlreadyStarted" })
        }
        yield* SubscriptionRef.set(state, State.Starting())
        const drain = yield* Lifecycle.makeDrain
        yield* restore(Lifecycle.run(layer, { stop, drain, onStart: (context) => onStart(context, drain) })).pipe(
          Effect.onExit((exit) => finish(Exit.asVoid(exit)))
        )
      })
    )

    const requestShutdown = Effect.flatMap(Ref.getAndSet(claimed, true), (running) =>
      running
        ? Effect.asVoid(Deferred.succeed(stop, undefined))
        : Ref.set(shutDownIdle, true).pipe(
          Effect.zipRight(SubscriptionRef.set(state, State.Stopped({ exit: Exit.void }))),
          Effect.zipRight(Deferred.succeed(stopped, Exit.void)),
          Effect.asVoid
        ))

    const health = whileRunning((context) =>
      Option.match(Context.getOption(context, Health), {
        onNone: () => Effect.succeed(Option.none()),
        onSome: (service) => Effect.map(service.ready, Option.some)
      })
    )

    const metrics = whileRunning((context) => Effect.map(Effect.provide(MetricsJson.snapshot(), context), Option.some))

    const describeServer = (context: Context.Context<unknown>) => {
      const server = Context.getOption(context, McpServer)
      const endpoint = Context.getOption(context, Endpoint)
      return {
        ...(Option.isSome(server) ? { server: server.value.options } : {}),
        ...(Option.isSome(endpoint)
          ? { endpoint: { url: endpoint.value.url, host: endpoint.value.host, port: endpoint.value.port } }
          : {})
      }
    }

    const config = whileRunning((context) =>
      Effect.sync(() =>
        Option.some(Redact.redact(
          options.config === undefined ? describeServer(context) : { ...describeServer(context), app: options.config },
          options.redact
        ))
      )
    )

    const status = Effect.gen(function*() {
      const current = yield* SubscriptionRef.get(state)
      const context = yield* Ref.get(running)
      if (!isLive(current) || Option.isNone(context)) return { state: current._tag } satisfies Status
      const now = yield* Clock.currentTimeMillis
      const server = Context.getOption(context.value, McpServer)
      const endpoint = Context.getOption(context.value, Endpoint)
      return {
        state: current._tag,
        ...(Option.isSome(server)
          ? {
            name: server.value.options.name,
            version: server.value.options.version,
            sessions: server.value.sessionCount(),
            listeners: server.value.listenerCount()
          }
          : {}),
        ...(Option.isSome(endpoint) ? { url: endpoint.value.url } : {}),
        uptimeSeconds: Math.max(0, (now - current.startedAt) / 1000)
      } satisfies Status
    })

    return {
      state: SubscriptionRef.get(state),
      changes: state.changes,
      run,
      requestShutdown,
      shutdown: Effect.zipRight(requestShutdown, Effect.asVoid(Deferred.await(stopped))),
      awaitStopped: Deferred.await(stopped),
      health,
      metrics,
      config,
      status
    } satisfies SharedServer<E>
  })

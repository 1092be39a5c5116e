/**
 * Middleware is an Effect combinator around a request's handler, with the request
 * in context (`McpContext`). Registered middleware runs for every request the
 * dispatcher serves; the first registered is the outermost.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import { McpContext } from "./McpContext.js"

/**
 * Wraps the handling of every request; it may read `McpServer.Context` and use the services `R`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Middleware<R = never> {
  <A, E, R1>(handler: Effect.Effect<A, E, R1>): Effect.Effect<A, E, R1 | R | McpContext>
}

/**
 * Watches requests without wrapping them: called synchronously as a request starts, with its
 * context, and the `Observation` it returns is told once of the handler's exit (success,
 * failure or interruption). It runs outside the request's fiber and adds no Effect steps,
 * so it is the cheap choice for bookkeeping such as metrics and request spans; use a
 * `Middleware` to change what a request does. Register it with `Registry.addObserver`.
 * Unknown methods are not observed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Observer {
  /** `services` are the request's default services (its `Clock`, its `Tracer`). */
  (ctx: McpContext["Type"], services: Context.Context<DefaultServices.DefaultServices>): Observation
}

/**
 * What an `Observer` returns for one request: the function told of its exit, or that and
 * services the request's fiber starts with (e.g. the request span as `Tracer.ParentSpan`,
 * so spans the handler makes are its children).
 *
 * @since 0.1.0
 * @category models
 */
export type Observation =
  | ((exit: Exit.Exit<unknown, unknown>) => void)
  | {
    readonly done: (exit: Exit.Exit<unknown, unknown>) => void
    readonly context: Context.Context<never>
  }

/**
 * An identity that helps inference when writing a middleware.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <R = never>(middleware: Middleware<R>): Middleware<R> => middleware

/**
 * Logs each request's method, outcome and duration with `Effect.log` (stderr on stdio).
 *
 * @since 0.1.0
 * @category middleware
 */
export const logging: Middleware = (handler) =>
  Effect.flatMap(McpContext, (ctx) => {
    const start = performance.now()
    return handler.pipe(
      Effect.onExit((exit) =>
        Effect.logDebug(`${ctx.method} ${exit._tag === "Success" ? "ok" : "failed"}`).pipe(
          Effect.annotateLogs({
            method: ctx.method,
            requestId: String(ctx.requestId),
            durationMs: (performance.now() - start).toFixed(2)
          })
        )
      )
    )
  })

/**
 * An `Observer` as a `Middleware`, to give it a place among the middleware (it then measures
 * what runs inside it).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromObserver = (observer: Observer): Middleware => <A, E, R1>(handler: Effect.Effect<A, E, R1>) =>
  Effect.withFiberRuntime<A, E, R1 | McpContext>((fiber) => {
    const observation = observer(Context.unsafeGet(fiber.currentContext, McpContext), fiber.currentDefaultServices)
    if (typeof observation === "function") {
      return Effect.onExit(handler, (exit) => Effect.sync(() => observation(exit)))
    }
    return Effect.onExit(
      Effect.mapInputContext(handler, (current: Context.Context<R1>) => Context.merge(current, observation.context)),
      (exit) => Effect.sync(() => observation.done(exit))
    )
  })

/** @internal */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Tracer from "effect/Tracer"
import * as McpError from "../../protocol/McpError.js"
import type * as Version from "../../protocol/Version.js"
import { McpContext } from "../../server/McpContext.js"
import { McpServer } from "../../server/McpServer.js"
import type { Middleware, Observer } from "../../server/Middleware.js"
import { Registry } from "../../server/Registry.js"
import * as RequestMeta from "../../server/RequestMeta.js"
import * as metrics from "./metrics.js"
import * as tracing from "./tracing.js"

// A `CallToolResult` with `isError: true`: the tool failed, and the request succeeded.
const isToolError = (method: string, value: unknown): boolean =>
  method === "tools/call" && Predicate.hasProperty(value, "isError") && value.isError === true

const stringParam = (params: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = params?.[key]
  return typeof value === "string" ? value : undefined
}

/**
 * The JSON-RPC code a failure answers with in this revision, when it is a protocol error.
 * `toErrorObject` covers every `McpError` tag; other failures have no code.
 */
const codeOf = (error: unknown, version: Version.ProtocolVersion): number | undefined => {
  if (!Predicate.hasProperty(error, "_tag") || typeof error._tag !== "string") return undefined
  const object = McpError.toErrorObject(error as McpError.McpError, version) as { readonly code: number } | undefined
  return object?.code
}

const failureTag = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => "internal_error",
    onSome: (error) =>
      Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : "internal_error"
  })

// -----------------------------------------------------------------------------
// metrics
// -----------------------------------------------------------------------------

/** @internal */
export const metricsObserver = (service: metrics.Service, registry: Registry["Type"]): Observer => (ctx, services) => {
  // The request's clock (a TestClock in tests).
  const clock = Context.get(services, Clock.Clock)
  const method = ctx.method
  // Only registered tools get a `tool` label: a client cannot create series by calling
  // tools that do not exist.
  const name = method === "tools/call" ? stringParam(ctx.params, "name") : undefined
  const tool = name !== undefined && registry.tool(name) !== undefined ? name : undefined
  const start = clock.unsafeCurrentTimeNanos()
  return (exit) => {
    const seconds = Number(clock.unsafeCurrentTimeNanos() - start) / 1e9
    if (Exit.isSuccess(exit)) {
      const failed = isToolError(method, exit.value)
      service.unsafeRecordRequest(method, failed ? "error" : "success", seconds, tool)
      if (failed) service.unsafeRecordError("tool_error")
    } else if (Cause.isInterruptedOnly(exit.cause)) {
      service.unsafeRecordRequest(method, "cancelled", seconds, tool)
    } else {
      service.unsafeRecordRequest(method, "error", seconds, tool)
      service.unsafeRecordError(failureTag(exit.cause))
    }
  }
}

/** @internal */
export const layerMetrics: Layer.Layer<never, never, metrics.McpMetrics | Registry | McpServer> = Layer
  .scopedDiscard(
    Effect.gen(function*() {
      const service = yield* metrics.McpMetrics
      const registry = yield* Registry
      const server = yield* McpServer
      // An observer, not a middleware: it adds no Effect steps to the request (the hot path).
      yield* registry.addObserver(metricsObserver(service, registry))
      // Sessions are counted by the server; the gauge is read from it at scrape time.
      yield* service.addSampler(Effect.suspend(() => service.setActiveSessions(server.sessionCount())))
    })
  )

// -----------------------------------------------------------------------------
// tracing
// -----------------------------------------------------------------------------

/** @internal */
export interface TracingMiddlewareOptions {
  /** `pipe` (stdio) or `tcp` (HTTP), recorded as `network.transport`. */
  readonly transport?: "pipe" | "tcp" | undefined
}

/**
 * The request span's name, attributes and parent for one request: the parent is
 * `_meta.traceparent` when the request carries one (the client's MCP span), else what the
 * transport saw (the HTTP `traceparent` header).
 */
const requestSpanOptions = (
  ctx: McpContext["Type"],
  options: TracingMiddlewareOptions
): tracing.RequestSpanOptions & { readonly protocolVersion: Version.ProtocolVersion } => {
  const { method, params } = ctx
  const metaParent = RequestMeta.metaString(params, "traceparent")
  const name = stringParam(params, "name")
  return {
    method,
    requestId: ctx.requestId,
    tool: method === "tools/call" ? name : undefined,
    prompt: method === "prompts/get" ? name : undefined,
    resourceUri: method.startsWith("resources/") ? stringParam(params, "uri") : undefined,
    sessionId: ctx.meta.sessionId,
    protocolVersion: ctx.meta.protocolVersion,
    transport: options.transport,
    traceparent: metaParent ?? ctx.meta.traceparent,
    tracestate: metaParent !== undefined ? RequestMeta.metaString(params, "tracestate") : ctx.meta.tracestate
  }
}

/** @internal */
export const tracingMiddleware = (options: TracingMiddlewareOptions = {}): Middleware => (handler) =>
  Effect.flatMap(McpContext, (ctx) => {
    const spanOptions = requestSpanOptions(ctx, options)
    const { method, protocolVersion: version } = spanOptions
    return handler.pipe(
      Effect.tap((result) =>
        isToolError(method, result) ? Effect.annotateCurrentSpan(tracing.ATTR_ERROR_TYPE, "tool_error") : Effect.void
      ),
      Effect.tapError((error) => {
        const code = codeOf(error, version)
        return code === undefined
          ? Effect.void
          : Effect.annotateCurrentSpan(tracing.ATTR_RPC_RESPONSE_STATUS_CODE, String(code))
      }),
      tracing.withRequestSpan({
        ...spanOptions,
        // The conventions ask for the JSON-RPC code as the error type of protocol errors.
        errorType: (error) => {
          const code = codeOf(error, version)
          return code === undefined ? undefined : String(code)
        }
      })
    )
  })

/**
 * @internal
 * The request span as an observer: started as the request starts, outside its fiber, with the
 * request's tracer and clock; the fiber starts with it as `Tracer.ParentSpan`
 * (the handler's spans are its children) and it ends with the request's exit. Same name,
 * attributes and parent as `tracingMiddleware`, without its Effect steps per request.
 */
export const tracingObserver = (options: TracingMiddlewareOptions): Observer => (ctx, services) => {
  // The request's own tracer and clock, wherever the tracing layer was provided.
  const tracer = Context.get(services, Tracer.Tracer)
  const clock = Context.get(services, Clock.Clock)
  const spanOptions = requestSpanOptions(ctx, options)
  const { method, protocolVersion: version, traceparent, tracestate } = spanOptions
  const span = tracer.span(
    tracing.spanName(spanOptions),
    tracing.parseTraceparent(traceparent, tracestate),
    Context.empty(),
    [],
    clock.unsafeCurrentTimeNanos(),
    "server"
  )
  const attributes = tracing.requestAttributes(spanOptions)
  for (const key in attributes) span.attribute(key, attributes[key])
  return {
    context: Context.make(Tracer.ParentSpan, span),
    done: (exit) => {
      if (Exit.isSuccess(exit)) {
        if (isToolError(method, exit.value)) span.attribute(tracing.ATTR_ERROR_TYPE, "tool_error")
      } else {
        const failure = Cause.failureOption(exit.cause)
        if (Option.isSome(failure)) {
          // The conventions ask for the JSON-RPC code as the error type of protocol errors.
          const code = codeOf(failure.value, version)
          if (code !== undefined) span.attribute(tracing.ATTR_RPC_RESPONSE_STATUS_CODE, String(code))
          span.attribute(tracing.ATTR_ERROR_TYPE, code !== undefined ? String(code) : tagOf(failure.value))
        }
      }
      span.end(clock.unsafeCurrentTimeNanos(), exit)
    }
  }
}

const tagOf = (error: unknown): string =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : "_OTHER"

/** @internal */
export const layerTracing = (options: TracingMiddlewareOptions = {}): Layer.Layer<never, never, Registry> =>
  Layer.effectDiscard(Effect.flatMap(Registry, (registry) => registry.addObserver(tracingObserver(options))))

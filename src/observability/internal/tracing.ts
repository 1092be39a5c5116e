/** @internal */
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import type * as Headers from "@effect/platform/Headers"
import * as OtelApi from "@opentelemetry/api"
import { W3CTraceContextPropagator } from "@opentelemetry/core"
import type { SpanExporter } from "@opentelemetry/sdk-trace-base"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"

/** @internal */
export const ATTR_MCP_METHOD_NAME = "mcp.method.name"
/** @internal */
export const ATTR_MCP_SESSION_ID = "mcp.session.id"
/** @internal */
export const ATTR_MCP_PROTOCOL_VERSION = "mcp.protocol.version"
/** @internal */
export const ATTR_MCP_RESOURCE_URI = "mcp.resource.uri"
/** @internal */
export const ATTR_GEN_AI_TOOL_NAME = "gen_ai.tool.name"
/** @internal */
export const ATTR_GEN_AI_PROMPT_NAME = "gen_ai.prompt.name"
/** @internal */
export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name"
/** @internal */
export const ATTR_JSONRPC_REQUEST_ID = "jsonrpc.request.id"
/** @internal */
export const ATTR_JSONRPC_PROTOCOL_VERSION = "jsonrpc.protocol.version"
/** @internal */
export const ATTR_RPC_RESPONSE_STATUS_CODE = "rpc.response.status_code"
/** @internal */
export const ATTR_ERROR_TYPE = "error.type"
/** @internal */
export const ATTR_NETWORK_TRANSPORT = "network.transport"
/** @internal */
export const ATTR_NETWORK_PROTOCOL_NAME = "network.protocol.name"
/** @internal */
export const ATTR_NETWORK_PROTOCOL_VERSION = "network.protocol.version"
/** @internal */
export const ATTR_CLIENT_ADDRESS = "client.address"
/** @internal */
export const ATTR_CLIENT_PORT = "client.port"

// -----------------------------------------------------------------------------
// layers
// -----------------------------------------------------------------------------

/** @internal */
export type Exporter = "otlp" | "console" | "none" | SpanExporter

/** @internal */
export interface OtlpOptions {
  readonly url?: string | undefined
  readonly headers?: Readonly<Record<string, string | Redacted.Redacted<string>>> | undefined
  readonly exportInterval?: Duration.DurationInput | undefined
}

/** @internal */
export interface Options {
  readonly serviceName: string
  readonly serviceVersion?: string | undefined
  readonly attributes?: OtelApi.Attributes | undefined
  readonly exporter: Exporter
  readonly otlp?: OtlpOptions | undefined
  readonly spanProcessor?: "batch" | "simple" | undefined
  readonly shutdownTimeout?: Duration.DurationInput | undefined
}

/** @internal */
export const defaultOtlpUrl = "http://localhost:4318/v1/traces"

const resourceOf = (options: Options) => ({
  serviceName: options.serviceName,
  ...(options.serviceVersion === undefined ? {} : { serviceVersion: options.serviceVersion }),
  ...(options.attributes === undefined ? {} : { attributes: options.attributes })
})

const unredactHeaders = (headers: OtlpOptions["headers"]): Headers.Input | undefined =>
  headers === undefined
    ? undefined
    : Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Redacted.isRedacted(v) ? Redacted.value(v) : v] as const)
    )

// The trace SDK and the OTLP exporter are imported when the layer is built: an application that
// imports the package without exporting traces never loads them.
/** @internal */
export const layer = (options: Options): Layer.Layer<never> => {
  const exporter = options.exporter
  if (exporter === "none") return Layer.empty
  if (exporter === "otlp") {
    const headers = unredactHeaders(options.otlp?.headers)
    const sdk = Effect.promise(() =>
      Promise.all([
        import("@effect/opentelemetry/OtlpTracer"),
        import("@effect/opentelemetry/OtlpSerialization"),
        import("@effect/platform/FetchHttpClient")
      ])
    )
    return Layer.unwrapEffect(Effect.map(sdk, ([OtlpTracer, OtlpSerialization, FetchHttpClient]) =>
      OtlpTracer.layer({
        url: options.otlp?.url ?? defaultOtlpUrl,
        resource: resourceOf(options),
        ...(headers === undefined ? {} : { headers }),
        ...(options.otlp?.exportInterval === undefined ? {} : { exportInterval: options.otlp.exportInterval }),
        ...(options.shutdownTimeout === undefined ? {} : { shutdownTimeout: options.shutdownTimeout })
      }).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(FetchHttpClient.layer))))
  }
  // the console exporter writes as each span ends; others batch unless told otherwise
  const simple = options.spanProcessor === "simple" || (options.spanProcessor === undefined && exporter === "console")
  const sdk = Effect.promise(() =>
    Promise.all([import("@effect/opentelemetry/NodeSdk"), import("@opentelemetry/sdk-trace-base")])
  )
  return Layer.unwrapEffect(Effect.map(sdk, ([NodeSdk, TraceBase]) => {
    const spanExporter = exporter === "console" ? new TraceBase.ConsoleSpanExporter() : exporter
    return Layer.discard(NodeSdk.layer(() => ({
      resource: resourceOf(options),
      spanProcessor: simple
        ? new TraceBase.SimpleSpanProcessor(spanExporter)
        : new TraceBase.BatchSpanProcessor(spanExporter),
      ...(options.shutdownTimeout === undefined ? {} : { shutdownTimeout: options.shutdownTimeout })
    })))
  }))
}

// -----------------------------------------------------------------------------
// trace context
// -----------------------------------------------------------------------------

const propagator = new W3CTraceContextPropagator()

/** @internal */
export const parseTraceparent = (
  traceparent: string | undefined,
  tracestate?: string | undefined
): Option.Option<Tracer.ExternalSpan> => {
  if (traceparent === undefined || traceparent.length === 0) return Option.none()
  const carrier: Record<string, string> = tracestate === undefined
    ? { traceparent }
    : { traceparent, tracestate }
  const context = propagator.extract(OtelApi.ROOT_CONTEXT, carrier, OtelApi.defaultTextMapGetter)
  const spanContext = OtelApi.trace.getSpanContext(context)
  if (spanContext === undefined || !OtelApi.isSpanContextValid(spanContext)) return Option.none()
  return Option.some(OtelTracer.makeExternalSpan({
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    traceFlags: spanContext.traceFlags,
    traceState: spanContext.traceState
  }))
}

/** @internal */
export const parentFromMeta = (meta: unknown): Option.Option<Tracer.ExternalSpan> => {
  if (!Predicate.isRecord(meta)) return Option.none()
  const traceparent = meta.traceparent
  const tracestate = meta.tracestate
  return typeof traceparent === "string"
    ? parseTraceparent(traceparent, typeof tracestate === "string" ? tracestate : undefined)
    : Option.none()
}

/** @internal */
export const parentFromHeaders = (
  headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
): Option.Option<Tracer.ExternalSpan> => {
  const first = (value: string | ReadonlyArray<string> | undefined) =>
    typeof value === "string" ? value : value?.[0]
  const tracestate = headers.tracestate
  return parseTraceparent(
    first(headers.traceparent),
    // several tracestate headers combine into one list (W3C Trace Context §3.3.1)
    typeof tracestate === "string" ? tracestate : tracestate?.join(",")
  )
}

/** @internal */
export const withParentFromTraceparent = dual<
  (
    traceparent: string | undefined,
    tracestate?: string | undefined
  ) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>,
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    traceparent: string | undefined,
    tracestate?: string | undefined
  ) => Effect.Effect<A, E, R>
>(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, traceparent: string | undefined, tracestate?: string | undefined) =>
    Option.match(parseTraceparent(traceparent, tracestate), {
      onNone: () => self,
      onSome: (parent): Effect.Effect<A, E, R> => Effect.withParentSpan(self, parent)
    })
)

// -----------------------------------------------------------------------------
// request spans
// -----------------------------------------------------------------------------

/** @internal */
export interface RequestSpanOptions {
  readonly method: string
  readonly requestId?: string | number | undefined
  readonly tool?: string | undefined
  readonly prompt?: string | undefined
  readonly resourceUri?: string | undefined
  readonly sessionId?: string | undefined
  readonly protocolVersion?: string | undefined
  readonly transport?: "pipe" | "tcp" | undefined
  readonly traceparent?: string | undefined
  readonly tracestate?: string | undefined
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
  /** The `error.type` of a typed failure; `undefined` falls back to its `_tag`. */
  readonly errorType?: ((error: unknown) => string | undefined) | undefined
}

/** @internal */
export const spanName = (options: Pick<RequestSpanOptions, "method" | "tool" | "prompt">): string => {
  const target = options.tool ?? options.prompt
  return target === undefined ? options.method : `${options.method} ${target}`
}

/** @internal */
export const requestAttributes = (options: RequestSpanOptions): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { [ATTR_MCP_METHOD_NAME]: options.method }
  if (options.requestId !== undefined) attributes[ATTR_JSONRPC_REQUEST_ID] = String(options.requestId)
  if (options.tool !== undefined) {
    attributes[ATTR_GEN_AI_TOOL_NAME] = options.tool
    attributes[ATTR_GEN_AI_OPERATION_NAME] = "execute_tool"
  }
  if (options.prompt !== undefined) attributes[ATTR_GEN_AI_PROMPT_NAME] = options.prompt
  if (options.resourceUri !== undefined) attributes[ATTR_MCP_RESOURCE_URI] = options.resourceUri
  if (options.sessionId !== undefined) attributes[ATTR_MCP_SESSION_ID] = options.sessionId
  if (options.protocolVersion !== undefined) attributes[ATTR_MCP_PROTOCOL_VERSION] = options.protocolVersion
  if (options.transport !== undefined) attributes[ATTR_NETWORK_TRANSPORT] = options.transport
  if (options.attributes !== undefined) Object.assign(attributes, options.attributes)
  return attributes
}

const errorType = (error: unknown): string =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : "_OTHER"

/** @internal */
export const withRequestSpan = dual<
  (options: RequestSpanOptions) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>,
  <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestSpanOptions) => Effect.Effect<A, E, R>
>(2, <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestSpanOptions): Effect.Effect<A, E, R> => {
  const parent = parseTraceparent(options.traceparent, options.tracestate)
  const traced = Effect.tapError(self, (error) =>
    Effect.annotateCurrentSpan(ATTR_ERROR_TYPE, options.errorType?.(error) ?? errorType(error)))
  const attributes = requestAttributes(options)
  const name = spanName(options)
  if (Option.isNone(parent)) {
    return Effect.withSpan(traced, name, { kind: "server", attributes, captureStackTrace: false })
  }
  // The MCP conventions make the `_meta` context the parent and link the ambient (transport) span.
  return Effect.flatMap(Effect.currentSpan.pipe(Effect.option), (ambient) =>
    Effect.withSpan(traced, name, {
      kind: "server",
      attributes,
      parent: parent.value,
      captureStackTrace: false,
      links: Option.isSome(ambient) ? [{ _tag: "SpanLink", span: ambient.value, attributes: {} }] : []
    }))
})

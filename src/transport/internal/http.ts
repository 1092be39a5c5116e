/** @internal */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { Authenticator } from "../../auth/internal/authenticator.js"
import { McpMetrics } from "../../observability/internal/metrics.js"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import { McpServer } from "../../server/McpServer.js"
import * as EventStore from "../EventStore.js"
import type * as Http from "../Http.js"
import * as Guard from "./guard.js"
import { fromNode } from "./nodeExchange.js"
import * as PlatformExchange from "./platformExchange.js"
import * as Security from "./security.js"
import * as StreamableHttp from "./streamableHttp.js"

/** @internal */
export class Endpoint extends Context.Tag("turbomcp/Http/Endpoint")<Endpoint, Http.HttpEndpoint>() {}

const isLoopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1"

/** @internal */
export const config = (options: Http.Options): StreamableHttp.Config => {
  const host = options.host ?? "127.0.0.1"
  const loopback = isLoopback(host)
  const allowedHosts = options.allowedHosts === "any"
    ? undefined
    : options.allowedHosts ?? (loopback ? Security.loopbackHosts : undefined)
  const allowedOrigins = options.allowedOrigins === "any"
    ? undefined
    : options.allowedOrigins ?? (loopback ? Security.loopbackHosts : undefined)
  return {
    path: options.path ?? "/mcp",
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    sessions: options.sessions ?? true,
    responseMode: options.responseMode ?? "auto",
    retryMs: Duration.toMillis(options.retryMs ?? 1000),
    standaloneStream: options.standaloneStream ?? true,
    legacySse: options.legacySse ?? false,
    sessionIdleTimeoutMs: Duration.toMillis(options.sessionIdleTimeout ?? "30 minutes"),
    maxSessions: options.maxSessions ?? 10_000,
    keepAliveMs: Duration.toMillis(options.keepAlive ?? "25 seconds"),
    security: { allowedHosts, allowedOrigins },
    limits: JsonRpc.limits(options.limits)
  }
}

/** @internal */
export const toHttpApp = (options: Http.Options = {}) =>
  Effect.gen(function*() {
    const server = yield* McpServer
    const eventStore = yield* EventStore.EventStore
    const runtime = yield* Effect.runtime<never>()
    const auth = Option.getOrUndefined(yield* Effect.serviceOption(Authenticator))
    const endpoint = StreamableHttp.make({ server, runtime, eventStore, config: config(options), auth })
    yield* Effect.addFinalizer(() => endpoint.drain(options.drainTimeout ?? "30 seconds"))
    return Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const { abort, exchange, response } = yield* PlatformExchange.make(request, runtime)
      if (!endpoint.handle(exchange)) return HttpServerResponse.empty({ status: 404 })
      return yield* Effect.onInterrupt(Deferred.await(response), () => Effect.sync(abort))
    })
  })

/** @internal */
export const serve = (options: Http.Options = {}) =>
  Effect.gen(function*() {
    const server = yield* McpServer
    const eventStore = yield* EventStore.EventStore
    const runtime = yield* Effect.runtime<never>()
    const cfg = config(options)
    const auth = Option.getOrUndefined(yield* Effect.serviceOption(Authenticator))
    const endpoint = StreamableHttp.make({ server, runtime, eventStore, config: cfg, auth })
    const fallback = options.fallback ?? ((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" })
      res.end("Not Found")
    })
    const onDefect = Guard.reporter(runtime)
    const listener: http.RequestListener = (req, res) =>
      Guard.run(onDefect, "an HTTP request", () => {
        if (!endpoint.handle(fromNode(req, res))) fallback(req, res)
      }, () => {
        if (res.headersSent) return void res.end()
        res.writeHead(500, { "content-type": "application/json" }).end(Guard.internalErrorText)
      })
    const host = options.host ?? "127.0.0.1"
    const countConnections = connectionCounter(yield* Effect.serviceOption(McpMetrics), runtime)
    const nodeServer = yield* Effect.acquireRelease(
      Effect.async<http.Server>((resume) => {
        const s = http.createServer({ keepAliveTimeout: 65_000 }, listener)
        if (countConnections !== undefined) s.on("connection", countConnections)
        s.once("error", (error) => resume(Effect.die(error)))
        s.listen(options.port ?? 3000, host, () => resume(Effect.succeed(s)))
      }),
      // By now the drain has answered every request and ended every stream: idle keep-alive
      // connections close at once, and a response still being flushed gets a moment to reach
      // its client before the remaining connections are cut.
      (s) =>
        Effect.async<void>((resume) => {
          const force = setTimeout(() => s.closeAllConnections(), 1_000)
          force.unref()
          s.close(() => {
            clearTimeout(force)
            resume(Effect.void)
          })
          s.closeIdleConnections()
        })
    )
    // Runs before the socket closes: drain first, then end sessions.
    yield* Effect.addFinalizer(() => endpoint.drain(options.drainTimeout ?? "30 seconds"))
    const sweeper = setInterval(endpoint.sweep, Math.min(60_000, cfg.sessionIdleTimeoutMs))
    sweeper.unref()
    yield* Effect.addFinalizer(() => Effect.sync(() => clearInterval(sweeper)))
    const port = (nodeServer.address() as AddressInfo).port
    const urlHost = host.includes(":") ? `[${host}]` : host
    yield* Effect.logInfo(`MCP endpoint on http://${urlHost}:${port}${cfg.path}`)
    return {
      port,
      host,
      url: `http://${urlHost}:${port}${cfg.path}`,
      sessionCount: endpoint.sessionCount,
      isDraining: endpoint.isDraining
    } satisfies Http.HttpEndpoint
  })

// With the metrics service in context, TCP connections are counted in `active_connections`.
const connectionCounter = (
  metrics: Option.Option<McpMetrics["Type"]>,
  runtime: Runtime.Runtime<never>
): ((socket: Socket) => void) | undefined => {
  if (Option.isNone(metrics)) return undefined
  const runSync = Runtime.runSync(runtime)
  const { connectionClosed, connectionOpened } = metrics.value
  return (socket) => {
    runSync(connectionOpened)
    socket.once("close", () => runSync(connectionClosed))
  }
}

const withEventStore = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.serviceOption(EventStore.EventStore), (store) =>
    Option.isSome(store)
      ? effect
      : Effect.provide(effect, EventStore.layerMemory()))

/** @internal */
export const layer = (options: Http.Options = {}): Layer.Layer<never, never, McpServer> =>
  Layer.scopedDiscard(withEventStore(serve(options))) as Layer.Layer<never, never, McpServer>

/** @internal */
export const layerEndpoint = (options: Http.Options = {}): Layer.Layer<Endpoint, never, McpServer> =>
  Layer.scoped(Endpoint, withEventStore(serve(options))) as Layer.Layer<Endpoint, never, McpServer>

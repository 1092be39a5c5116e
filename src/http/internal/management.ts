/** @internal */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import * as Health from "../../observability/Health.js"
import * as Metrics from "../../observability/Metrics.js"
import * as Redact from "./redact.js"

/** @internal */
export interface Paths {
  readonly live: string
  readonly ready: string
  readonly metrics: string
  readonly metricsJson: string
  readonly status: string
  readonly config: string
}

/** @internal */
export interface BasicAuth {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/** @internal */
export interface Options<R = never> {
  readonly paths?: Partial<Paths> | undefined
  readonly metricsAuth?: BasicAuth | undefined
  readonly status?: Effect.Effect<unknown, unknown, R> | undefined
  readonly config?: Effect.Effect<unknown, unknown, R> | undefined
  readonly redact?: Redact.RedactOptions | undefined
  readonly metricsJson?: boolean | undefined
  readonly tracing?: boolean | undefined
}

/** @internal */
export interface ServeOptions<R = never> extends Options<R> {
  readonly port: number
  readonly host?: string | undefined
}

/** @internal */
export type NodeHandler = (request: Http.IncomingMessage, response: Http.ServerResponse) => void

/** @internal */
export interface Handler {
  readonly handle: NodeHandler
  readonly matches: (url: string | undefined) => boolean
  readonly paths: Paths
}

/** @internal */
export const defaultPaths: Paths = {
  live: "/health/live",
  ready: "/health/ready",
  metrics: "/metrics",
  metricsJson: "/metrics/json",
  status: "/status",
  config: "/config"
}

const pathInput = (path: string): HttpRouter.PathInput =>
  (path.startsWith("/") ? path : `/${path}`) as HttpRouter.PathInput

/** @internal */
export const resolvePaths = (paths: Partial<Paths> | undefined): Paths => ({
  live: pathInput(paths?.live ?? defaultPaths.live),
  ready: pathInput(paths?.ready ?? defaultPaths.ready),
  metrics: pathInput(paths?.metrics ?? defaultPaths.metrics),
  metricsJson: pathInput(paths?.metricsJson ?? defaultPaths.metricsJson),
  status: pathInput(paths?.status ?? defaultPaths.status),
  config: pathInput(paths?.config ?? defaultPaths.config)
})

const noStore = { "cache-control": "no-store" }

const healthResponse = (report: Health.HealthReport) =>
  HttpServerResponse.unsafeJson(Health.toJson(report), {
    status: report.status._tag === "Unhealthy" ? 503 : 200,
    headers: noStore
  })

// Both sides are hashed first so the comparison takes the same time whatever the lengths.
const safeEqual = (a: string, b: string): boolean =>
  Crypto.timingSafeEqual(
    Crypto.createHash("sha256").update(a).digest(),
    Crypto.createHash("sha256").update(b).digest()
  )

/** @internal */
export const checkBasicAuth = (header: string | undefined, auth: BasicAuth): boolean => {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (match === null) return false
  const decoded = Buffer.from(match[1], "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  if (colon === -1) return false
  const userOk = safeEqual(decoded.slice(0, colon), auth.username)
  const passwordOk = safeEqual(decoded.slice(colon + 1), Redacted.value(auth.password))
  return userOk && passwordOk
}

const unauthorized = HttpServerResponse.text("Unauthorized", {
  status: 401,
  headers: { "www-authenticate": "Basic realm=\"metrics\", charset=\"UTF-8\"" }
})

const authorized = (auth: BasicAuth | undefined) =>
  auth === undefined
    ? Effect.succeed(true)
    : Effect.map(HttpServerRequest.HttpServerRequest, (request) => checkBasicAuth(request.headers.authorization, auth))

const metricsRoute = (auth: BasicAuth | undefined) =>
  Effect.gen(function*() {
    if (!(yield* authorized(auth))) return unauthorized
    const exporter = yield* Effect.serviceOption(Metrics.Prometheus)
    if (Option.isNone(exporter)) {
      return HttpServerResponse.text("Metrics are not enabled", { status: 404 })
    }
    return yield* exporter.value.scrape.pipe(
      Effect.map((text) =>
        HttpServerResponse.text(text, { contentType: exporter.value.contentType, headers: noStore })
      ),
      Effect.catchAll((error) =>
        Effect.logWarning("Collecting metrics failed", error).pipe(
          Effect.as(HttpServerResponse.text("Collecting metrics failed", { status: 500 }))
        )
      )
    )
  })

// Effect's metric registry as JSON; behind the same credentials as `/metrics`.
const metricsJsonRoute = (auth: BasicAuth | undefined) =>
  Effect.gen(function*() {
    if (!(yield* authorized(auth))) return unauthorized
    const metrics = yield* Metrics.snapshot()
    return HttpServerResponse.unsafeJson({ metrics }, { headers: noStore })
  })

const jsonRoute = <R>(what: string, effect: Effect.Effect<unknown, unknown, R>, transform: (u: unknown) => unknown) =>
  effect.pipe(
    Effect.flatMap((value) => HttpServerResponse.json(transform(value), { headers: noStore })),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.interrupt
        : Effect.logWarning(`The ${what} route failed`, cause).pipe(
          Effect.as(HttpServerResponse.unsafeJson({ error: `${what} unavailable` }, { status: 500 }))
        )
    )
  )

/** @internal */
export const router = <R = never>(options?: Options<R>): HttpRouter.HttpRouter<never, Health.Health | R> => {
  const paths = resolvePaths(options?.paths)
  const live = Effect.map(Health.live, healthResponse)
  const ready = Effect.map(Health.ready, healthResponse)
  const metrics = metricsRoute(options?.metricsAuth)
  let routes: HttpRouter.HttpRouter<never, Health.Health | R> = HttpRouter.empty.pipe(
    HttpRouter.get(pathInput(paths.live), live),
    HttpRouter.head(pathInput(paths.live), live),
    HttpRouter.get(pathInput(paths.ready), ready),
    HttpRouter.head(pathInput(paths.ready), ready),
    HttpRouter.get(pathInput(paths.metrics), metrics)
  )
  if (options?.metricsJson !== false) {
    routes = HttpRouter.get(routes, pathInput(paths.metricsJson), metricsJsonRoute(options?.metricsAuth))
  }
  if (options?.status !== undefined) {
    routes = HttpRouter.get(routes, pathInput(paths.status), jsonRoute("status", options.status, identity))
  }
  if (options?.config !== undefined) {
    const redactOptions = options.redact
    routes = HttpRouter.get(
      routes,
      pathInput(paths.config),
      jsonRoute("config", options.config, (value) => Redact.redact(value, redactOptions))
    )
  }
  return routes
}

const tracerOff = () => true

// `@effect/platform-node/NodeHttpServer` (which brings undici and ws) is imported by the first
// request, not at start-up: a server is ready to serve MCP without it, and one never asked for a
// management route never loads it. The runtime is the one the handler was made in, as with
// `NodeHttpServer.makeHandler` itself.
/** @internal */
export const toNodeHandler = <E, R>(
  app: HttpApp.Default<E, R>
): Effect.Effect<NodeHandler, never, Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> =>
  Effect.map(Effect.runtime<Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>>(), (runtime) => {
    let handler: NodeHandler | undefined
    let loading: Promise<NodeHandler> | undefined
    const load = () =>
      import("@effect/platform-node/NodeHttpServer").then((NodeHttpServer) =>
        handler = Runtime.runSync(runtime, NodeHttpServer.makeHandler(app))
      )
    return (request, response) => {
      if (handler !== undefined) return handler(request, response)
      loading ??= load()
      loading.then(
        (handle) => {
          if (!response.destroyed) handle(request, response)
        },
        (cause) => {
          Runtime.runFork(runtime, Effect.logError("The management handler could not be loaded", cause))
          if (!response.headersSent) response.writeHead(500)
          response.end()
        }
      )
    }
  })

/** @internal */
export const matcher = (paths: Paths) => {
  const known = new Set<string>(Object.values(paths))
  return (url: string | undefined): boolean => {
    if (url === undefined) return false
    const query = url.indexOf("?")
    return known.has(query === -1 ? url : url.slice(0, query))
  }
}

// The runtime is taken once, when the layer is built: each request is one `Runtime.runFork`
// (inside `NodeHttpServer.makeHandler`) with no per-request layer or scope.
/** @internal */
export const makeHandler = <R = never>(
  options?: Options<R>
): Effect.Effect<Handler, never, Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> => {
  const paths = resolvePaths(options?.paths)
  const make = Effect.map(
    toNodeHandler(router(options)),
    (handle): Handler => ({ handle, matches: matcher(paths), paths })
  )
  return options?.tracing === true ? make : HttpMiddleware.withTracerDisabledWhenEffect(make, tracerOff)
}

/** @internal */
export const layerServe = <R = never>(
  options?: Options<R>
): Layer.Layer<never, never, HttpServer.HttpServer | Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> => {
  const served = HttpServer.serve(router(options))
  return options?.tracing === true ? served : HttpMiddleware.withTracerDisabledWhen(served, tracerOff)
}

/** @internal */
export const layer = <R = never>(
  options: ServeOptions<R>
): Layer.Layer<never, ServeError, Health.Health | Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> =>
  layerServe(options).pipe(
    Layer.provide(Layer.unwrapEffect(Effect.map(
      Effect.promise(() => import("@effect/platform-node/NodeHttpServer")),
      (NodeHttpServer) =>
        NodeHttpServer.layer(() => Http.createServer(), {
          port: options.port,
          ...(options.host === undefined ? {} : { host: options.host })
        })
    )))
  )

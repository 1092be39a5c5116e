import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import { type Family, parsePrometheus } from "../utils/prometheus.js"
import * as Management from "../../src/http/Management.js"
import * as Health from "../../src/observability/Health.js"
import * as Metrics from "../../src/observability/Metrics.js"


const get = (path: string, headers?: Record<string, string>) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(path, headers === undefined ? {} : { headers }))
    const body = yield* response.text
    return { status: response.status, headers: response.headers, body }
  })

const HealthyChecks = Layer.mergeAll(
  Health.check("db", Effect.void),
  Health.check("search", Effect.succeed(Health.degraded("index rebuilding")), { critical: false })
)
const FailingCheck = Health.check("payments", Effect.fail(new Error("connection refused")))

// Management routes on an in-process NodeHttpServer (port 0), with the given checks.
const serve = <E, R>(
  options: Management.Options<R> | undefined,
  checks: Layer.Layer<never, E, Health.Health>,
  extra: Layer.Layer<R> = Layer.empty as Layer.Layer<R>
) =>
  Management.layerServe(options).pipe(
    Layer.provideMerge(checks),
    Layer.provideMerge(Health.layer()),
    Layer.provideMerge(extra),
    Layer.provideMerge(NodeHttpServer.layerTest)
  )

describe("Management over HTTP", () => {
  it.scoped("ready and live answer 200 with every check, its status and latency, when healthy or degraded", () =>
    Effect.gen(function*() {
      const ready = yield* get("/health/ready")
      assert.strictEqual(ready.status, 200)
      assert.strictEqual(ready.headers["content-type"], "application/json")
      assert.strictEqual(ready.headers["cache-control"], "no-store")
      const body = JSON.parse(ready.body) as Health.HealthReportJson
      assert.strictEqual(body.status, "degraded")
      assert.deepStrictEqual(body.reasons, ["search: index rebuilding"])
      assert.deepStrictEqual(Object.keys(body.checks), ["db", "search"])
      assert.strictEqual(body.checks.db.status, "healthy")
      assert.strictEqual(body.checks.search.status, "degraded")
      assert.deepStrictEqual(body.checks.search.reasons, ["index rebuilding"])
      assert.isNumber(body.checks.db.latencyMs)
      assert.isFalse(body.checks.search.critical)

      const live = yield* get("/health/live")
      assert.strictEqual(live.status, 200)
      assert.strictEqual((JSON.parse(live.body) as Health.HealthReportJson).status, "healthy")
    }).pipe(Effect.provide(serve(undefined, HealthyChecks))))

  it.scoped("a failing critical check turns readiness 503, not liveness", () =>
    Effect.gen(function*() {
      const ready = yield* get("/health/ready")
      assert.strictEqual(ready.status, 503)
      const body = JSON.parse(ready.body) as Health.HealthReportJson
      assert.strictEqual(body.status, "unhealthy")
      assert.deepStrictEqual(body.reasons, ["payments: connection refused"])
      assert.deepStrictEqual(body.checks.payments.reasons, ["connection refused"])
      assert.strictEqual(body.checks.search.status, "degraded")
      assert.strictEqual((yield* get("/health/live")).status, 200)
    }).pipe(Effect.provide(serve(undefined, Layer.merge(HealthyChecks, FailingCheck)))))

  it.scoped("draining turns readiness 503 at once", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* get("/health/ready")).status, 200)
      yield* Health.setDraining(true)
      const ready = yield* get("/health/ready")
      assert.strictEqual(ready.status, 503)
      const body = JSON.parse(ready.body) as Health.HealthReportJson
      assert.isTrue(body.draining)
      assert.deepStrictEqual(body.reasons, ["draining"])
    }).pipe(Effect.provide(serve(undefined, HealthyChecks))))

  it.scoped("/metrics serves the Prometheus text of the recorded requests", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.McpMetrics
      yield* metrics.recordRequest("tools/call", "success", 0.01, "add")
      yield* metrics.recordRequest("tools/call", "success", 0.02, "add")
      yield* metrics.recordRequest("tools/call", "error", 0.5, "add")
      yield* metrics.recordRequest("initialize", "success", 0.001)
      yield* metrics.sessionOpened
      const response = yield* get("/metrics")
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
      const families = parsePrometheus(response.body)
      const requests = families.find((f) => f.name === "mgmt_server_requests_total")
      assert.isDefined(requests)
      const count = (labels: Record<string, string>) =>
        requests!.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value
      assert.strictEqual(count({ method: "tools/call", status: "success", tool: "add" }), "2")
      assert.strictEqual(count({ method: "tools/call", status: "error", tool: "add" }), "1")
      assert.strictEqual(count({ method: "initialize", status: "success" }), "1")
      assert.strictEqual(families.find((f) => f.name === "mgmt_server_active_sessions")?.metrics[0].value, "1")
    }).pipe(Effect.provide(serve(undefined, HealthyChecks, Metrics.layerPrometheus({ namespace: "mgmt" })))))

  it.scoped("/metrics is 404 when no Prometheus exporter is installed", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* get("/metrics")).status, 404)
    }).pipe(Effect.provide(serve(undefined, HealthyChecks))))

  it.scoped("/metrics basic auth", () =>
    Effect.gen(function*() {
      const denied = yield* get("/metrics")
      assert.strictEqual(denied.status, 401)
      assert.strictEqual(denied.headers["www-authenticate"], "Basic realm=\"metrics\", charset=\"UTF-8\"")
      const basic = (user: string, password: string) => ({
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
      })
      assert.strictEqual((yield* get("/metrics", basic("prometheus", "wrong"))).status, 401)
      assert.strictEqual((yield* get("/metrics", basic("someone", "s3cr:et"))).status, 401)
      assert.strictEqual((yield* get("/metrics", { authorization: "Bearer s3cr:et" })).status, 401)
      const ok = yield* get("/metrics", basic("prometheus", "s3cr:et"))
      assert.strictEqual(ok.status, 200)
      // health stays open
      assert.strictEqual((yield* get("/health/ready")).status, 200)
    }).pipe(Effect.provide(serve(
      { metricsAuth: { username: "prometheus", password: Redacted.make("s3cr:et") } },
      HealthyChecks,
      Metrics.layerPrometheus({ namespace: "mgmt_auth" })
    ))))

  it.scoped("/status answers the provider's value as JSON, 500 when it fails", () =>
    Effect.gen(function*() {
      const status = yield* get("/status")
      assert.strictEqual(status.status, 200)
      assert.deepStrictEqual(JSON.parse(status.body), { name: "calc", version: "1.0.0", sessions: 2 })
    }).pipe(Effect.provide(serve(
      { status: Effect.succeed({ name: "calc", version: "1.0.0", sessions: 2 }) },
      HealthyChecks
    ))))

  it.scoped("a failing /status provider answers 500", () =>
    Effect.gen(function*() {
      const status = yield* get("/status")
      assert.strictEqual(status.status, 500)
      assert.deepStrictEqual(JSON.parse(status.body), { error: "status unavailable" })
    }).pipe(Effect.provide(serve({ status: Effect.fail("nope") }, HealthyChecks))))

  it.scoped("paths are configurable; /status is absent without a provider", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* get("/healthz")).status, 200)
      assert.strictEqual((yield* get("/readyz")).status, 503)
      assert.strictEqual((yield* get("/internal/metrics")).status, 200)
      assert.strictEqual((yield* get("/health/ready")).status, 404)
      assert.strictEqual((yield* get("/status")).status, 404)
    }).pipe(Effect.provide(serve(
      { paths: { live: "/healthz", ready: "/readyz", metrics: "/internal/metrics" } },
      FailingCheck,
      Metrics.layerPrometheus({ namespace: "mgmt_paths" })
    ))))
})

// -----------------------------------------------------------------------------
// as a plain node:http handler, and on its own port
// -----------------------------------------------------------------------------

const listen = (server: Http.Server) =>
  Effect.acquireRelease(
    Effect.async<number>((resume) => {
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as Net.AddressInfo).port)))
    }),
    () =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )

const fetchText = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url)
    return { status: response.status, body: await response.text(), contentType: response.headers.get("content-type") }
  })

const freePort = Effect.scoped(listen(Http.createServer()))

describe("Management as a node:http handler", () => {
  it.scoped("an MCP listener delegates non-/mcp paths to the handler", () =>
    Effect.gen(function*() {
      const management = yield* Management.ManagementHandler
      const server = Http.createServer((req, res) => {
        if (req.url?.startsWith("/mcp")) {
          res.writeHead(200, { "content-type": "text/plain" }).end("mcp")
        } else if (management.matches(req.url)) {
          management.handle(req, res)
        } else {
          res.writeHead(404).end()
        }
      })
      const port = yield* listen(server)
      const base = `http://127.0.0.1:${port}`

      assert.strictEqual((yield* fetchText(`${base}/mcp`)).body, "mcp")
      const ready = yield* fetchText(`${base}/health/ready?verbose=1`)
      assert.strictEqual(ready.status, 503)
      assert.strictEqual((JSON.parse(ready.body) as Health.HealthReportJson).checks.payments.status, "unhealthy")
      assert.strictEqual((yield* fetchText(`${base}/health/live`)).status, 200)
      yield* Metrics.recordRequest("tools/call", "success", 0.1, "echo")
      const metrics = yield* fetchText(`${base}/metrics`)
      assert.strictEqual(metrics.status, 200)
      assert.strictEqual(metrics.contentType, Metrics.contentType)
      const requests = parsePrometheus(metrics.body).find((f) => f.name === "node_server_requests_total")
      assert.strictEqual(requests?.metrics[0].value, "1")
      assert.strictEqual((yield* fetchText(`${base}/elsewhere`)).status, 404)
      assert.isFalse(management.matches("/elsewhere"))
      assert.deepStrictEqual(management.paths, Management.defaultPaths)
    }).pipe(
      Effect.provide(
        Management.layerNodeHandler().pipe(
          Layer.provideMerge(FailingCheck),
          Layer.provideMerge(Health.layer()),
          Layer.provideMerge(Metrics.layerPrometheus({ namespace: "node" }))
        )
      )
    ))

  it.live("Management.layer serves on its own port", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const program = Effect.gen(function*() {
        const live = yield* fetchText(`http://127.0.0.1:${port}/health/live`)
        assert.strictEqual(live.status, 200)
        const status = yield* fetchText(`http://127.0.0.1:${port}/status`)
        assert.deepStrictEqual(JSON.parse(status.body), { ok: true })
      })
      yield* program.pipe(
        Effect.provide(
          Management.layer({ port, host: "127.0.0.1", status: Effect.succeed({ ok: true }) }).pipe(
            Layer.provide(Health.layer())
          )
        )
      )
    }))
})

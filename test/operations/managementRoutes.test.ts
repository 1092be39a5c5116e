// The management additions: /config with secrets redacted, /metrics/json, and `redact`.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { Health, Management, Metrics } from "turbomcp-server"

const get = (path: string, headers: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(path, { headers }))
    const body = yield* response.text
    return { status: response.status, body, json: () => JSON.parse(body) as any }
  })

const appConfig = {
  name: "calc",
  database: { url: "postgres://app:hunter2@db.internal:5432/app", pool: 10 },
  oauth: { clientId: "calc", clientSecret: "cs-123" },
  apiKey: Redacted.make("k-456"),
  timeout: Duration.seconds(30),
  upstream: Option.some("https://api.example.com"),
  maxTokens: 4096
}

const serve = <R>(options: Management.Options<R>, extra: Layer.Layer<R> = Layer.empty as Layer.Layer<R>) =>
  Management.layerServe(options).pipe(
    Layer.provideMerge(Health.layer()),
    Layer.provideMerge(extra),
    Layer.provideMerge(NodeHttpServer.layerTest)
  )

describe("Management: config and metrics JSON", () => {
  it.scoped("/config answers the configuration with every secret redacted", () =>
    Effect.gen(function*() {
      const response = yield* get("/config")
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(response.json(), {
        name: "calc",
        database: { url: "postgres://app:redacted@db.internal:5432/app", pool: 10 },
        oauth: { clientId: "calc", clientSecret: "<redacted>" },
        apiKey: "<redacted>",
        timeout: "30s",
        upstream: "https://api.example.com",
        maxTokens: 4096
      })
      for (const secret of ["hunter2", "cs-123", "k-456"]) assert.notInclude(response.body, secret)
    }).pipe(Effect.provide(serve({ config: Effect.succeed(appConfig) }))))

  it.scoped("/metrics/json lists Effect's metrics, behind the /metrics credentials", () =>
    Effect.gen(function*() {
      yield* Metrics.recordRequest("tools/call", "success", 0.25, "add")
      const auth = { authorization: `Basic ${Buffer.from("prom:pw").toString("base64")}` }
      assert.strictEqual((yield* get("/metrics/json")).status, 401)
      const response = yield* get("/metrics/json", auth)
      assert.strictEqual(response.status, 200)
      const metrics = response.json().metrics as ReadonlyArray<Metrics.MetricJson>
      const counter = metrics.find((m) => m.name === "mj_server_requests_total" && m.labels.tool === "add")
      assert.deepStrictEqual(counter, {
        name: "mj_server_requests_total",
        description: "MCP requests handled, by method, status and tool",
        labels: { method: "tools/call", status: "success", tool: "add" },
        type: "counter",
        value: 1
      })
      const histogram = metrics.find((m) => m.name === "mj_server_request_duration_seconds" && m.labels.tool === "add")
      assert.strictEqual(histogram?.type, "histogram")
      assert.strictEqual(histogram?.count, 1)
      assert.strictEqual(histogram?.sum, 0.25)
      assert.deepStrictEqual(histogram?.buckets?.at(-1), ["+Inf", 1])
    }).pipe(Effect.provide(serve(
      { metricsAuth: { username: "prom", password: Redacted.make("pw") } },
      Metrics.layerPrometheus({ namespace: "mj" })
    ))))

  it.scoped("metricsJson: false and no config: both routes absent", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* get("/metrics/json")).status, 404)
      assert.strictEqual((yield* get("/config")).status, 404)
    }).pipe(Effect.provide(serve({ metricsJson: false }))))

  it("redact: Redacted values, secret-looking keys and URL passwords; cycles and functions", () => {
    const cyclic: Record<string, unknown> = { token: "t", n: 1, f: () => 1 }
    cyclic.self = cyclic
    assert.deepStrictEqual(Management.redact(cyclic), { token: "<redacted>", n: 1, self: "[Circular]" })
    assert.deepStrictEqual(Management.redact({ password: "p", refreshToken: ["a"], tokens: 3 }), {
      password: "<redacted>",
      refreshToken: "<redacted>",
      tokens: 3
    })
    assert.deepStrictEqual(Management.redact({ url: "redis://127.0.0.1:6379" }), { url: "redis://127.0.0.1:6379" })
    assert.deepStrictEqual(
      Management.redact({ internal: "x", region: "eu" }, { secretKeys: /internal/ }),
      { internal: "<redacted>", region: "eu" }
    )
  })
})

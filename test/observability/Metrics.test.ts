import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Metric, MetricBoundaries, TestClock } from "effect"
import { createRequire } from "node:module"
import * as Metrics from "../../src/observability/Metrics.js"

interface Sample {
  readonly value?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly buckets?: Readonly<Record<string, string>>
  readonly count?: string
  readonly sum?: string
}
interface Family {
  readonly name: string
  readonly help: string
  readonly type: string
  readonly metrics: ReadonlyArray<Sample>
}

// parse-prometheus-text-format ships no type declarations
const parsePrometheus = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string
) => ReadonlyArray<Family>

const family = (families: ReadonlyArray<Family>, name: string): Family => {
  const found = families.find((f) => f.name === name)
  assert.isDefined(found, `metric family ${name} is missing`)
  return found!
}

const sample = (f: Family, labels: Readonly<Record<string, string>>): Sample => {
  const found = f.metrics.find((m) =>
    Object.keys(labels).length === Object.keys(m.labels ?? {}).length &&
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  )
  assert.isDefined(found, `no ${f.name} sample with ${JSON.stringify(labels)}`)
  return found!
}

interface Histogram {
  readonly count: string | undefined
  readonly sum: string | undefined
  readonly buckets: Readonly<Record<string, string>>
}

const labelsOf = (text: string | undefined): Record<string, string> =>
  Object.fromEntries([...(text ?? "").matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]))

// The parser loses a histogram's labels, `_count` and `_sum` when they come before the
// `_bucket` lines, as OpenTelemetry's serializer writes them (the format allows any order), so
// histograms are read line by line.
const histogram = (text: string, name: string, labels: Readonly<Record<string, string>>): Histogram => {
  const result: { count?: string; sum?: string; buckets: Record<string, string> } = { buckets: {} }
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null || !match[1].startsWith(name)) continue
    const { le, ...rest } = labelsOf(match[2])
    const same = Object.keys(rest).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => rest[k] === v)
    if (!same) continue
    if (match[1] === `${name}_bucket` && le !== undefined) result.buckets[le] = match[3]
    else if (match[1] === `${name}_count`) result.count = match[3]
    else if (match[1] === `${name}_sum`) result.sum = match[3]
  }
  return { count: result.count, sum: result.sum, buckets: result.buckets }
}

// Effect's metric registry is global to the process: each test uses its own namespace.
const scrapeText = Metrics.PrometheusText
const scrape = Effect.map(scrapeText, parsePrometheus)

describe("Metrics", () => {
  it.effect("names follow namespace and subsystem", () =>
    Effect.sync(() => {
      assert.deepStrictEqual(Metrics.names(), {
        requestsTotal: "turbomcp_server_requests_total",
        requestDurationSeconds: "turbomcp_server_request_duration_seconds",
        activeConnections: "turbomcp_server_active_connections",
        activeSessions: "turbomcp_server_active_sessions",
        errorsTotal: "turbomcp_server_errors_total"
      })
      assert.strictEqual(Metrics.names({ namespace: "acme", subsystem: "" }).requestsTotal, "acme_requests_total")
    }))

  it.effect("records requests, errors, connections and sessions in Prometheus text", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.McpMetrics
      const names = metrics.names
      yield* metrics.recordRequest("tools/call", "success", 0.02, "add")
      yield* metrics.recordRequest("tools/call", "success", 0.3, "add")
      yield* metrics.recordRequest("tools/call", "error", 2, "divide")
      yield* metrics.recordRequest("tools/list", "success", 0.001)
      yield* metrics.recordError("InvalidParams")
      yield* metrics.recordError("InvalidParams")
      yield* metrics.connectionOpened
      yield* metrics.connectionOpened
      yield* metrics.connectionClosed
      yield* metrics.sessionOpened

      const text = yield* scrapeText
      const families = parsePrometheus(text)
      const requests = family(families, names.requestsTotal)
      assert.strictEqual(requests.type, "COUNTER")
      assert.strictEqual(sample(requests, { method: "tools/call", status: "success", tool: "add" }).value, "2")
      assert.strictEqual(sample(requests, { method: "tools/call", status: "error", tool: "divide" }).value, "1")
      assert.strictEqual(sample(requests, { method: "tools/list", status: "success" }).value, "1")

      assert.strictEqual(family(families, names.requestDurationSeconds).type, "HISTOGRAM")
      const add = histogram(text, names.requestDurationSeconds, { method: "tools/call", tool: "add" })
      assert.strictEqual(add.count, "2")
      assert.closeTo(Number(add.sum), 0.32, 1e-9)
      assert.strictEqual(add.buckets["0.025"], "1")
      assert.strictEqual(add.buckets["0.5"], "2")
      assert.strictEqual(add.buckets["+Inf"], "2")
      assert.strictEqual(histogram(text, names.requestDurationSeconds, { method: "tools/list" }).count, "1")

      assert.strictEqual(sample(family(families, names.errorsTotal), { error_type: "InvalidParams" }).value, "2")
      const connections = family(families, names.activeConnections)
      assert.strictEqual(connections.type, "GAUGE")
      assert.strictEqual(sample(connections, {}).value, "1")
      assert.strictEqual(sample(family(families, names.activeSessions), {}).value, "1")
    }).pipe(Effect.provide(Metrics.layerPrometheus({ namespace: "t_basic" }))))

  it.effect("configurable buckets", () =>
    Effect.gen(function*() {
      yield* Metrics.recordRequest("ping", "success", 0.7)
      const ping = histogram(yield* scrapeText, "t_buckets_server_request_duration_seconds", { method: "ping" })
      assert.deepStrictEqual(ping.buckets, { "0.5": "0", "1": "1", "+Inf": "1" })
    }).pipe(Effect.provide(Metrics.layerPrometheus({ namespace: "t_buckets", durationBuckets: [0.5, 1] }))))

  it.effect("user-defined metrics appear in the same output", () =>
    Effect.gen(function*() {
      const jobs = Metric.counter("t_user_jobs_total", { description: "Jobs run", incremental: true })
      const queueDepth = Metric.gauge("t_user_queue_depth", { description: "Queue depth" })
      const latency = Metric.histogram(
        "t_user_job_seconds",
        MetricBoundaries.fromIterable([0.1, 1]),
        "Job latency"
      )
      yield* Metric.incrementBy(jobs.pipe(Metric.tagged("queue", "mail")), 3)
      const smsJobs = jobs.pipe(Metric.tagged("queue", "sms"))
      yield* Metric.increment(smsJobs)
      yield* Metric.set(queueDepth.pipe(Metric.tagged("queue", "mail")), 7)
      yield* Metric.update(latency.pipe(Metric.tagged("queue", "mail")), 0.05)
      yield* Metrics.recordRequest("tools/call", "success", 0.01, "send")

      const text = yield* scrapeText
      const families = parsePrometheus(text)
      const jobsFamily = family(families, "t_user_jobs_total")
      assert.strictEqual(jobsFamily.type, "COUNTER")
      assert.strictEqual(jobsFamily.help, "Jobs run")
      assert.strictEqual(sample(jobsFamily, { queue: "mail" }).value, "3")
      assert.strictEqual(sample(jobsFamily, { queue: "sms" }).value, "1")
      assert.strictEqual(sample(family(families, "t_user_queue_depth"), { queue: "mail" }).value, "7")
      assert.strictEqual(family(families, "t_user_job_seconds").type, "HISTOGRAM")
      const job = histogram(text, "t_user_job_seconds", { queue: "mail" })
      assert.strictEqual(job.count, "1")
      assert.deepStrictEqual(job.buckets, { "0.1": "1", "1": "1", "+Inf": "1" })
      assert.strictEqual(
        sample(family(families, "t_user_server_requests_total"), { method: "tools/call", status: "success", tool: "send" })
          .value,
        "1"
      )
    }).pipe(Effect.provide(Metrics.layerPrometheus({ namespace: "t_user" }))))

  it.effect("trackRequest measures on Clock and takes the status from the exit", () =>
    Effect.gen(function*() {
      const slow = Effect.sleep("1500 millis").pipe(Metrics.trackRequest({ method: "tools/call", tool: "slow" }))
      const fiber = yield* Effect.fork(slow)
      yield* TestClock.adjust("1500 millis")
      yield* fiber
      const failed = yield* Effect.exit(
        Effect.fail("boom").pipe(Metrics.trackRequest({ method: "tools/call", tool: "slow" }))
      )
      assert.isTrue(Exit.isFailure(failed))
      const interrupted = yield* Effect.fork(Effect.never.pipe(Metrics.trackRequest({ method: "resources/read" })))
      yield* Effect.yieldNow()
      yield* interrupted.interruptAsFork(interrupted.id())
      yield* Effect.exit(interrupted.await)

      const text = yield* scrapeText
      const requests = family(parsePrometheus(text), "t_track_server_requests_total")
      assert.strictEqual(sample(requests, { method: "tools/call", status: "success", tool: "slow" }).value, "1")
      assert.strictEqual(sample(requests, { method: "tools/call", status: "error", tool: "slow" }).value, "1")
      assert.strictEqual(sample(requests, { method: "resources/read", status: "cancelled" }).value, "1")
      const duration = histogram(text, "t_track_server_request_duration_seconds", { method: "tools/call", tool: "slow" })
      assert.strictEqual(duration.count, "2")
      assert.strictEqual(duration.sum, "1.5")
    }).pipe(Effect.provide(Metrics.layerPrometheus({ namespace: "t_track" }))))

  it.effect("folds label sets past maxLabelSets into __overflow__", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 5; i++) yield* Metrics.recordRequest(`m${i}`, "success", 0.001)
      const requests = family(yield* scrape, "t_card_server_requests_total")
      assert.strictEqual(requests.metrics.length, 3)
      assert.strictEqual(sample(requests, { method: "__overflow__", status: "__overflow__" }).value, "3")
    }).pipe(Effect.provide(Metrics.layerPrometheus({ namespace: "t_card", maxLabelSets: 2 }))))

  it.effect("target_info carries the service name when given", () =>
    Effect.gen(function*() {
      const text = yield* Metrics.PrometheusText
      const info = family(parsePrometheus(text), "target_info").metrics[0]
      assert.strictEqual(info.value, "1")
      assert.strictEqual(info.labels?.service_name, "calc")
      assert.strictEqual(info.labels?.service_version, "1.2.3")
    }).pipe(Effect.provide(Metrics.layerPrometheus({ namespace: "t_info", serviceName: "calc", serviceVersion: "1.2.3" }))))

  it.effect("the noop layer records nothing", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.McpMetrics
      const before = JSON.stringify(yield* Metrics.snapshot())
      yield* Metrics.recordRequest("tools/call", "success", 1, "noop-tool")
      yield* Metrics.recordError("noop-error")
      yield* metrics.connectionOpened
      yield* metrics.sessionOpened
      yield* metrics.setActiveSessions(42)
      // Effect's registry (every McpMetrics.layer writes there) holds no new series or value.
      assert.strictEqual(JSON.stringify(yield* Metrics.snapshot()), before)
      // The same calls on the real layer do change it: the comparison above can fail.
      const real = yield* Metrics.make()
      yield* real.recordRequest("tools/call", "success", 1, "noop-tool")
      assert.notStrictEqual(JSON.stringify(yield* Metrics.snapshot()), before)
    }).pipe(Effect.provide(Metrics.layerNoop)))
})

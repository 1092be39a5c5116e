/**
 * The benchmark: every scenario for every contender in one process tree, on 127.0.0.1.
 *
 *   npm run bench                 full run (under 10 minutes on 2 cores)
 *   npm run bench -- --quick      short run (under 2 minutes)
 *   npm run bench:profile         CPU profile of our server under scenario 1
 *
 * Options: --only ours,plain,sdk-v1   --scenarios 1,2,4   --rounds N   --seconds S
 *          --dialect legacy|modern    --tsx    --target ID (profile)   --help
 * See bench/README.md for what each scenario measures and how to read the ratios.
 */
import { existsSync } from "node:fs"
import { join, relative } from "node:path"
import { performance } from "node:perf_hooks"
import { makeCredentials } from "./lib/auth.ts"
import { STACK_TARGET, stackStats } from "./lib/stack.ts"
import {
  type Contender,
  type HttpMode,
  LIST_TOOLS,
  STACK_LAYERS,
  STACK_VARIANTS,
  contenders as allContenders,
  httpEnv,
  oursStack,
  stackEnv,
  stackResource
} from "./lib/contenders.ts"
import type { Bundle } from "./lib/build.ts"
import { ensureInstalled } from "./lib/install.ts"
import type { LoadSample } from "./lib/load.ts"
import {
  type Dialect,
  type HttpRequestSpec,
  NotApplicable,
  UNIQUE_ID,
  echoProblem,
  listAllTools,
  openSession,
  responseTo,
  send,
  toolCallRequest,
  verifyToolCall,
  withHeaders
} from "./lib/mcp.ts"
import { RESULTS_DIR, ROOT_DIR } from "./lib/paths.ts"
import {
  type Launch,
  type Running,
  failureReason,
  getFreePort,
  killAll,
  procStatus,
  registerBundled,
  registerCompiled,
  spawnContender,
  waitForPort
} from "./lib/process.ts"
import { Report, type Row, machineInfo, packageVersions, writeResults } from "./lib/report.ts"
import { median, medianIndex, round, sleep } from "./lib/stats.ts"
import { StdioClient } from "./lib/stdio-client.ts"

// ---------------------------------------------------------------- settings

interface Settings {
  readonly quick: boolean
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly stdioCalls: number
  readonly stdioWarmupCalls: number
  readonly sessions: number
  /** Time allowed to open the sessions of scenario 5, per contender. */
  readonly sessionSeconds: number
  readonly listSeconds: number
  readonly startupRounds: number
  readonly launch: Launch
  readonly dialect: Dialect
  readonly scenarios: ReadonlySet<number>
  readonly only: ReadonlySet<string> | undefined
  readonly profile: boolean
  readonly profileTarget: string
  readonly profileSeconds: number
}

const USAGE = `usage: tsx bench/run.ts [--quick] [--only ids] [--scenarios 1,2,3,4,5,6,7] [--rounds N] [--seconds S]
                         [--dialect legacy|modern] [--tsx] [--profile [--target id] [--seconds S]]
  --tsx  launch every contender as \`node --import tsx entry.ts\` instead of compiled (esbuild) entries
contender ids: ${allContenders().map((c) => c.id).join(", ")}`

const parseSettings = (argv: ReadonlyArray<string>): Settings => {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag)
    return i === -1 ? undefined : argv[i + 1]
  }
  const list = (flag: string): Array<string> | undefined => value(flag)?.split(",").map((s) => s.trim()).filter(Boolean)
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE)
    process.exit(0)
  }
  const quick = argv.includes("--quick")
  const profile = argv.includes("--profile")
  const dialect = value("--dialect") ?? "legacy"
  if (dialect !== "legacy" && dialect !== "modern") throw new Error(`--dialect must be legacy or modern\n${USAGE}`)
  const num = (flag: string, fallback: number): number => {
    const raw = value(flag)
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number\n${USAGE}`)
    return n
  }
  const scenarios = new Set((list("--scenarios") ?? ["1", "2", "3", "4", "5", "6", "7"]).map(Number))
  const only = list("--only")
  return {
    quick,
    rounds: Math.max(2, Math.round(num("--rounds", quick ? 2 : 3))),
    seconds: num("--seconds", profile ? 15 : quick ? 1 : 3),
    warmupSeconds: quick ? 0.5 : 2,
    connections: 32,
    stdioCalls: quick ? 5_000 : 20_000,
    stdioWarmupCalls: quick ? 2_000 : 4_000,
    sessions: quick ? 500 : 10_000,
    sessionSeconds: quick ? 5 : 30,
    listSeconds: quick ? 1 : 3,
    startupRounds: quick ? 2 : 3,
    launch: argv.includes("--tsx") ? "tsx" : "compiled",
    dialect,
    scenarios,
    only: only === undefined ? undefined : new Set(only),
    profile,
    profileTarget: value("--target") ?? "ours",
    profileSeconds: num("--seconds", 15)
  }
}

// ---------------------------------------------------------------- helpers

const reasonOf = (error: unknown): string => {
  if (error instanceof NotApplicable) return error.reason
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const detail = cause?.code ?? cause?.message
    return detail === undefined ? error.message : `${error.message} (${detail})`
  }
  return String(error)
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

const elapsed = (() => {
  const start = performance.now()
  return (): string => `${((performance.now() - start) / 1000).toFixed(0).padStart(4)}s`
})()

interface Live {
  readonly contender: Contender
  readonly running: Running
  readonly port: number
}

/** Where a contender's figures go: its rows (the first is the main one) and its column. */
interface Place {
  readonly rows: ReadonlyArray<Row>
  readonly id: string
}

const failIn = (place: Place, reason: string): void => {
  for (const row of place.rows) row.cells.set(place.id, { ok: false, reason })
}

/** Starts the HTTP program of each contender (in parallel) and prepares it; failures become n/a cells. */
const startHttp = async <P>(
  list: ReadonlyArray<Contender>,
  launch: Launch,
  env: (contender: Contender, port: number) => Promise<Record<string, string>>,
  place: (contender: Contender) => Place,
  prepare: (live: Live, timeoutMs: number) => Promise<P>
): Promise<Array<Live & { readonly prepared: Awaited<P> }>> => {
  const started = await Promise.all(list.map(async (contender) => {
    const fail = (reason: string) => {
      failIn(place(contender), reason)
      return undefined
    }
    if (contender.http === undefined) return fail("no HTTP transport")
    const unavailable = contender.unavailable()
    if (unavailable !== undefined) return fail(unavailable)
    const port = await getFreePort()
    const running = spawnContender(contender, { launch, transport: "http", env: await env(contender, port), port })
    try {
      await waitForPort(running)
      const live = { contender, running, port }
      return { ...live, prepared: await untilAnswered(running, (timeoutMs) => prepare(live, timeoutMs)) }
    } catch (error) {
      // A server that died while answering says why on stderr.
      await sleep(100)
      const reason = running.exitInfo() === undefined ? reasonOf(error) : failureReason(running, reasonOf(error))
      await running.stop()
      return fail(reason)
    }
  }))
  return started.filter((s) => s !== undefined)
}

const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")

/**
 * Runs a contender's first exchange, retrying while requests time out: some servers
 * listen before they can answer (Effect 4 with 1,000 tools drops requests that arrive
 * while its registrations are still being built), which is a start-up matter, not a
 * wrong answer. Any other failure is final.
 */
const untilAnswered = async <A>(
  running: Running,
  attempt: (timeoutMs: number) => Promise<A>,
  deadlineMs = 180_000
): Promise<A> => {
  const deadline = performance.now() + deadlineMs
  // Short first attempts, longer later ones: a request lost at start-up costs little,
  // a slow but honest answer still gets through.
  for (let timeoutMs = 2_000; ; timeoutMs = Math.min(timeoutMs * 2, 30_000)) {
    try {
      return await attempt(timeoutMs)
    } catch (error) {
      if (!isTimeout(error) || performance.now() > deadline || running.exitInfo() !== undefined) throw error
      log(`${elapsed()}  ${running.contender.label}: no answer within ${timeoutMs / 1000} s, retrying`)
    }
  }
}

const stopAll = (lives: ReadonlyArray<Live>): Promise<unknown> => Promise.all(lives.map((l) => l.running.stop()))

// ---------------------------------------------------------------- scenarios

/** Scenario 3 answers are ~250 KB each: 8 connections saturate every contender without long queues. */
const LIST_CONNECTIONS = 8

interface Throughput {
  readonly requests: ReadonlyArray<HttpRequestSpec>
  /** Load shape override (scenario 3: fewer connections, longer samples: one list is heavy). */
  readonly connections?: number
  readonly minSeconds?: number
  /** How many of the scenario's units one request is (1 / pages for a paginated list). */
  readonly unitsPerRequest: number
  readonly uniqueIds: boolean
  readonly note?: string
  readonly detail?: Record<string, unknown>
}

class Bench {
  readonly report: Report
  readonly samples: Record<string, Record<string, Array<LoadSample | number>>> = {}
  private readonly dialects: Record<string, Dialect> = {}

  /**
   * `list`: the contenders as the run launches them (a compile failure folded into
   * `unavailable`); `sources`: the same before compilation, which scenario 6 bundles.
   */
  constructor(
    readonly settings: Settings,
    readonly list: ReadonlyArray<Contender>,
    private readonly load: typeof import("./lib/load.ts"),
    private readonly sources: ReadonlyArray<Contender> = list
  ) {
    this.report = new Report(list, "plain")
  }

  private record(scenario: string, id: string, sample: LoadSample | number): void {
    ;((this.samples[scenario] ??= {})[id] ??= []).push(sample)
  }

  /**
   * Scenarios 1-3 and 7: start, verify, warm up, then interleaved rounds with autocannon.
   * By default every contender of the run, in its column of `row`; scenario 7 passes its
   * variants (`list`), their environment (`env`) and their rows (`place`).
   */
  private async throughput(options: {
    readonly scenario: string
    readonly title: string
    readonly mode: HttpMode
    readonly row: Row
    readonly latencyRow?: Row
    readonly prepare: (live: Live, timeoutMs: number) => Promise<Throughput>
    readonly afterRounds?: (live: Live) => void | Promise<void>
    readonly list?: ReadonlyArray<Contender>
    readonly env?: (contender: Contender, port: number) => Promise<Record<string, string>>
    readonly place?: (contender: Contender) => Place
  }): Promise<void> {
    const { settings } = this
    const list = options.list ?? this.list
    const place = options.place ??
      ((contender: Contender): Place => ({
        rows: [options.row, ...(options.latencyRow ? [options.latencyRow] : [])],
        id: contender.id
      }))
    const env = options.env ?? (async (_: Contender, port: number) => httpEnv(options.mode, port))
    log(`${elapsed()}  ${options.title}: starting ${list.length} ${options.list === undefined ? "contenders" : "variants"}`)
    const lives = await startHttp(list, settings.launch, env, place, options.prepare)
    try {
      const active = new Map(lives.map((l) => [l.contender.id, l]))
      for (const live of lives) {
        await this.load.httpLoad(live.port, live.prepared.requests, {
          connections: live.prepared.connections ?? settings.connections,
          seconds: Math.max(settings.warmupSeconds, (live.prepared.minSeconds ?? 0) / 2),
          uniqueIds: live.prepared.uniqueIds
        })
      }
      for (let round = 1; round <= settings.rounds; round++) {
        for (const live of lives) {
          if (!active.has(live.contender.id)) continue
          const sample = await this.load.httpLoad(live.port, live.prepared.requests, {
            connections: live.prepared.connections ?? settings.connections,
            seconds: Math.max(settings.seconds, live.prepared.minSeconds ?? 0),
            uniqueIds: live.prepared.uniqueIds
          })
          const problem = this.load.sampleProblem(sample)
          if (problem !== undefined || live.running.exitInfo() !== undefined) {
            failIn(place(live.contender), live.running.exitInfo() === undefined ? problem! : failureReason(live.running, "died under load"))
            active.delete(live.contender.id)
            continue
          }
          this.record(options.scenario, live.contender.id, sample)
          log(`${elapsed()}  ${options.title} round ${round}/${settings.rounds}  ${live.contender.label.padEnd(9)} ${
            Math.round(sample.rps * live.prepared.unitsPerRequest).toString().padStart(7)
          } ${options.row.unit}  p50 ${sample.p50} ms  p99 ${sample.p99} ms`)
        }
      }
      for (const live of active.values()) {
        const samples = this.samples[options.scenario][live.contender.id] as Array<LoadSample>
        const chosen = samples[medianIndex(samples.map((s) => s.rps))]
        const value = median(samples.map((s) => s.rps)) * live.prepared.unitsPerRequest
        const { rows: [row, latencyRow], id } = place(live.contender)
        row.cells.set(id, {
          ok: true,
          value,
          ...(live.prepared.note === undefined ? {} : { note: live.prepared.note }),
          detail: {
            ...live.prepared.detail,
            samples: samples.map((s) => round(s.rps * live.prepared.unitsPerRequest, 1)),
            p50: chosen.p50,
            p99: chosen.p99
          }
        })
        latencyRow?.cells.set(id, {
          ok: true,
          value: chosen.p50,
          text: `${chosen.p50} / ${chosen.p99} ms`,
          detail: { p50: chosen.p50, p99: chosen.p99 }
        })
        await options.afterRounds?.(live)
      }
    } finally {
      await stopAll(lives)
    }
  }

  private statelessDialect(contender: Contender): Dialect {
    return contender.http?.statelessDialect ?? "legacy"
  }

  async scenario1(): Promise<void> {
    const row = this.report.row("s1", "1. HTTP stateless tools/call", "req/s", "higher")
    const latency = this.report.row("s1-latency", "1. latency p50 / p99 (median sample)", "ms", "none")
    const peak = this.report.row("s5-peak", "5. peak RSS under scenario 1", "MB", "lower")
    await this.throughput({
      scenario: "1",
      title: "1 stateless",
      mode: "stateless",
      row,
      latencyRow: latency,
      prepare: async ({ contender, port }, timeoutMs) => {
        const dialect = this.statelessDialect(contender)
        await verifyToolCall(port, dialect, undefined, timeoutMs)
        this.dialects[contender.id] = dialect
        return {
          requests: [toolCallRequest(dialect, 1)],
          unitsPerRequest: 1,
          uniqueIds: false,
          ...(dialect === "modern" ? { note: "2026-07-28 request" } : {}),
          detail: { dialect }
        }
      },
      afterRounds: ({ contender, running }) => {
        const { hwm } = procStatus(running.pid)
        peak.cells.set(contender.id, { ok: true, value: hwm / 2 ** 20 })
      }
    })
    for (const contender of this.list) {
      const cell = row.cells.get(contender.id)
      if (cell?.ok === false && !peak.cells.has(contender.id)) peak.cells.set(contender.id, cell)
    }
  }

  async scenario2(): Promise<void> {
    const row = this.report.row("s2", "2. HTTP legacy session tools/call (SSE)", "req/s", "higher")
    await this.throughput({
      scenario: "2",
      title: "2 session",
      mode: "session",
      row,
      prepare: async ({ port }, timeoutMs) => {
        const session = await openSession(port, timeoutMs)
        const contentType = await verifyToolCall(port, "legacy", session, timeoutMs)
        const sse = contentType.includes("text/event-stream")
        return {
          requests: [toolCallRequest("legacy", UNIQUE_ID, session)],
          unitsPerRequest: 1,
          uniqueIds: true,
          // The scenario asks for SSE; a server that answers a session request with JSON is
          // still measured, and marked.
          ...(sse ? {} : { note: "JSON, not SSE" }),
          detail: { protocolVersion: session.protocolVersion, contentType }
        }
      }
    })
  }

  async scenario3(): Promise<void> {
    const row = this.report.row("s3", `3. tools/list, ${LIST_TOOLS.toLocaleString("en-US")} tools (full lists)`, "lists/s", "higher", 0)
    await this.throughput({
      scenario: "3",
      title: "3 tools/list",
      mode: "list",
      row,
      prepare: async ({ contender, port }, timeoutMs) => {
        const dialect = this.statelessDialect(contender)
        const listing = await listAllTools(port, dialect, LIST_TOOLS + 1, undefined, timeoutMs)
        const pages = listing.pages.length
        return {
          requests: listing.pages,
          connections: LIST_CONNECTIONS,
          minSeconds: this.settings.listSeconds,
          unitsPerRequest: 1 / pages,
          uniqueIds: false,
          ...(pages > 1 ? { note: `${pages} pages` } : {}),
          detail: { pages, tools: listing.toolCount, bytes: listing.bytes, dialect }
        }
      }
    })
  }

  async scenario4(): Promise<void> {
    const { settings } = this
    const row = this.report.row("s4", `4. stdio, ${settings.stdioCalls.toLocaleString("en-US")} pipelined tools/call`, "req/s", "higher")
    log(`${elapsed()}  4 stdio: starting ${this.list.length} contenders`)
    const started = await Promise.all(this.list.map(async (contender) => {
      const fail = (reason: string) => {
        row.cells.set(contender.id, { ok: false, reason })
        return undefined
      }
      if (contender.stdio === undefined) return fail("no stdio transport")
      const unavailable = contender.unavailable("stdio")
      if (unavailable !== undefined) return fail(unavailable)
      const running = spawnContender(contender, { launch: settings.launch, transport: "stdio", env: {} })
      try {
        const client = new StdioClient(running)
        await client.handshake()
        await client.verifyEcho()
        await client.checkedBurst(200)
        return { contender, running, client }
      } catch (error) {
        await running.stop()
        return fail(reasonOf(error))
      }
    }))
    const lives = started.filter((s) => s !== undefined)
    const timeoutMs = 90_000
    try {
      const active = new Map(lives.map((l) => [l.contender.id, l]))
      const burst = async (live: (typeof lives)[number], count: number): Promise<number | undefined> => {
        try {
          return await live.client.pipelined(count, timeoutMs)
        } catch (error) {
          row.cells.set(live.contender.id, { ok: false, reason: reasonOf(error) })
          active.delete(live.contender.id)
          await live.running.stop()
          return undefined
        }
      }
      for (const live of lives) await burst(live, settings.stdioWarmupCalls)
      for (let round = 1; round <= settings.rounds; round++) {
        for (const live of lives) {
          if (!active.has(live.contender.id)) continue
          const ms = await burst(live, settings.stdioCalls)
          if (ms === undefined) continue
          const rps = settings.stdioCalls / (ms / 1000)
          this.record("4", live.contender.id, rps)
          log(`${elapsed()}  4 stdio round ${round}/${settings.rounds}  ${live.contender.label.padEnd(9)} ${
            Math.round(rps).toString().padStart(7)
          } req/s  (${Math.round(ms)} ms)`)
        }
      }
      for (const live of active.values()) {
        const values = this.samples["4"][live.contender.id] as Array<number>
        row.cells.set(live.contender.id, { ok: true, value: median(values), detail: { samples: values.map((v) => round(v, 1)) } })
      }
    } finally {
      await Promise.all(lives.map((l) => l.running.stop()))
    }
  }

  async scenario5(): Promise<void> {
    const { settings } = this
    const n = settings.sessions
    const row = this.report.row("s5", `5. RSS growth per legacy session (${n.toLocaleString("en-US")} sessions)`, "KB", "none", 1)
    log(`${elapsed()}  5 memory: starting ${this.list.length} contenders (sessions)`)
    const lives = await startHttp(this.list, settings.launch, async (_, port) => httpEnv("session", port), (c) => ({ rows: [row], id: c.id }), async ({ port }, timeoutMs) => {
      const session = await openSession(port, timeoutMs)
      await verifyToolCall(port, "legacy", session, timeoutMs)
    })
    try {
      for (const live of lives) {
        try {
          await createSessions(live.port, Math.max(100, Math.round(n / 20)), settings.sessionSeconds / 4)
          await sleep(500)
          const before = procStatus(live.running.pid).rss
          const t0 = performance.now()
          const opened = await createSessions(live.port, n, settings.sessionSeconds)
          const seconds = (performance.now() - t0) / 1000
          if (opened < Math.min(n, 100)) {
            throw new NotApplicable(`opened only ${opened} sessions in ${settings.sessionSeconds} s`)
          }
          await sleep(1_000)
          const after = procStatus(live.running.pid).rss
          // The server must have kept its sessions: a new one still works.
          const last = await openSession(live.port)
          await verifyToolCall(live.port, "legacy", last)
          const perSession = (after - before) / opened / 1024
          row.cells.set(live.contender.id, {
            ok: true,
            value: perSession,
            ...(opened < n ? { note: `${opened.toLocaleString("en-US")} sessions in ${settings.sessionSeconds} s` } : {}),
            detail: {
              sessions: opened,
              rssBeforeMB: round(before / 2 ** 20, 1),
              rssAfterMB: round(after / 2 ** 20, 1),
              seconds: round(seconds, 2)
            }
          })
          log(`${elapsed()}  5 memory  ${live.contender.label.padEnd(9)} ${perSession.toFixed(1).padStart(7)} KB/session  (${
            Math.round(before / 2 ** 20)
          } -> ${Math.round(after / 2 ** 20)} MB, ${opened} sessions in ${seconds.toFixed(1)} s)`)
        } catch (error) {
          row.cells.set(live.contender.id, { ok: false, reason: reasonOf(error) })
        }
        await live.running.stop()
      }
    } finally {
      await stopAll(lives)
    }
  }

  /**
   * Scenario 6: start-up, twice per contender and round: the entry as every scenario runs
   * it (packages external, loaded from node_modules) and the same entry fully bundled into
   * one file (lib/build.ts bundleContender), interleaved (A A' B B' ...), median of the rounds.
   */
  async scenario6(): Promise<void> {
    const { settings } = this
    const began = performance.now()
    const external = this.report.row("s6", "6. start-up to first tools/call (packages external)", "ms", "lower")
    const bundledRow = this.report.row("s6-bundled", "6. start-up, fully bundled (one file)", "ms", "lower")
    const bundles = await this.bundleAll()
    const bundleSeconds = (performance.now() - began) / 1000
    const variants = [
      { row: external, launch: settings.launch, tag: "external" },
      { row: bundledRow, launch: "bundled", tag: "bundled" }
    ] as const
    const times = new Map<Row, Map<string, Array<number>>>(variants.map((v) => [v.row, new Map()]))
    // Wall time of the bundled starts (spawn to stopped), for the log: what the row adds.
    let bundledWall = 0
    log(`${elapsed()}  6 start-up: ${settings.startupRounds} rounds, packages external and fully bundled`)
    for (let round = 1; round <= settings.startupRounds; round++) {
      for (const contender of this.list) {
        for (const { row, launch, tag } of variants) {
          if (row.cells.get(contender.id)?.ok === false) continue
          const unavailable = contender.http === undefined
            ? "no HTTP transport"
            : launch === "bundled"
            ? (bundles.has(contender.id) ? bundles.get(contender.id)!.reason : "not bundled")
            : contender.unavailable()
          if (unavailable !== undefined) {
            row.cells.set(contender.id, { ok: false, reason: unavailable })
            continue
          }
          const wallStart = performance.now()
          const port = await getFreePort()
          const running = spawnContender(contender, { launch, transport: "http", env: httpEnv("stateless", port), port })
          try {
            const ms = await firstToolCall(running, port, this.dialects[contender.id] ?? this.statelessDialect(contender))
            const list = times.get(row)!
            list.set(contender.id, [...(list.get(contender.id) ?? []), ms])
            log(`${elapsed()}  6 start-up round ${round}/${settings.startupRounds}  ${contender.label.padEnd(9)} ${tag.padEnd(8)} ${
              Math.round(ms).toString().padStart(6)
            } ms`)
          } catch (error) {
            // A process that died says why on stderr (a bundle that breaks at run time).
            await sleep(100)
            const reason = running.exitInfo() === undefined ? reasonOf(error) : failureReason(running, reasonOf(error))
            row.cells.set(contender.id, { ok: false, reason: launch === "bundled" ? `bundled build: ${reason}` : reason })
          } finally {
            await running.stop()
            if (launch === "bundled") bundledWall += performance.now() - wallStart
          }
        }
      }
    }
    for (const { row, launch } of variants) {
      for (const [id, values] of times.get(row)!) {
        if (row.cells.get(id)?.ok === false) continue
        const bundle = launch === "bundled" ? bundles.get(id)?.bundle : undefined
        row.cells.set(id, {
          ok: true,
          value: median(values),
          detail: {
            samples: values.map((v) => round(v, 1)),
            ...(bundle === undefined ? {} : {
              file: relative(ROOT_DIR, bundle.file),
              bytes: bundle.bytes,
              buildMs: round(bundle.ms, 0),
              external: bundle.external,
              unbundled: bundle.unbundled
            })
          }
        })
      }
    }
    log(`${elapsed()}  6 start-up: ${((performance.now() - began) / 1000).toFixed(1)} s, of which the bundled row ${
      (bundleSeconds + bundledWall / 1000).toFixed(1)
    } s (bundling ${bundleSeconds.toFixed(1)} s, bundled starts ${(bundledWall / 1000).toFixed(1)} s)`)
  }

  /** Scenario 6's one-file builds, one contender at a time; a failure is the contender's reason. */
  private async bundleAll(): Promise<Map<string, { readonly bundle?: Bundle; readonly reason?: string }>> {
    const { bundleContender, bundleFailure } = await import("./lib/build.ts")
    const results = new Map<string, { readonly bundle?: Bundle; readonly reason?: string }>()
    for (const contender of this.sources) {
      if (!this.list.some((c) => c.id === contender.id)) continue
      const unavailable = contender.http === undefined ? "no HTTP transport" : contender.unavailable()
      if (unavailable !== undefined) {
        results.set(contender.id, { reason: unavailable })
        continue
      }
      try {
        const bundle = await bundleContender(contender)
        registerBundled(contender.http!.script, bundle.file)
        results.set(contender.id, { bundle })
        log(`${elapsed()}  6 bundled ${contender.label.padEnd(9)} ${(bundle.bytes / 2 ** 20).toFixed(2).padStart(6)} MB in ${
          Math.round(bundle.ms)
        } ms${bundle.unbundled.length === 0 ? "" : ` (left to node_modules: ${bundle.unbundled.join(", ")})`}`)
      } catch (error) {
        const reason = `does not bundle: ${bundleFailure(error)}`
        results.set(contender.id, { reason })
        log(`${elapsed()}  6 bundled ${contender.label.padEnd(9)} n/a: ${reason}`)
      }
    }
    return results
  }

  /**
   * Scenario 7: ours with its production layers, one at a time and all together, against
   * the same server bare, in the `ours` column; each ratio is to `bare` in the same run.
   * Run as scenario 1 (interleaved rounds, same load); auth variants send a signed token.
   */
  async scenario7(): Promise<void> {
    const { settings } = this
    const ours = this.list.find((c) => c.id === "ours")
    if (ours === undefined) {
      log(`${elapsed()}  7 stack: skipped (ours is not in --only)`)
      return
    }
    // One row per variant, in the ours column; every ratio is to the bare row's figure.
    const rowOf = new Map(STACK_VARIANTS.map((variant) => [
      variant.id,
      this.report.row(
        `s7-${variant.id}`,
        variant.id === "full" ? `7. stack: full (${STACK_LAYERS.join(" + ")})` : `7. stack: ${variant.label}`,
        "req/s",
        "higher",
        { baseline: { row: "s7-bare", id: "ours" }, ...(variant.id === "full" ? { target: STACK_TARGET } : {}) }
      )
    ]))
    const base = oursStack(ours.http?.statelessDialect ?? settings.dialect)
    let unavailable = ours.unavailable() ?? base.unavailable()
    if (unavailable === undefined && settings.launch === "compiled") {
      try {
        registerCompiled(await (await import("./lib/build.ts")).compileContender(base))
      } catch (error) {
        unavailable = `does not compile: ${reasonOf(error).split("\n")[0]}`
      }
    }
    const variants = STACK_VARIANTS.map((variant): Contender => ({
      ...base,
      id: variant.id,
      label: variant.label,
      unavailable: () => unavailable
    }))
    const variantOf = new Map(STACK_VARIANTS.map((v) => [v.id, v]))
    const place = (contender: Contender): Place => ({ rows: [rowOf.get(contender.id)!], id: "ours" })
    const tokens = new Map<string, string>()
    await this.throughput({
      scenario: "7",
      title: "7 stack",
      mode: "stateless",
      row: rowOf.get("bare")!,
      list: variants,
      place,
      env: async (contender, port) => {
        const variant = variantOf.get(contender.id)!
        if (!variant.layers.includes("auth")) return stackEnv(variant, port)
        const credentials = await makeCredentials(stackResource(port))
        tokens.set(contender.id, credentials.token)
        return { ...stackEnv(variant, port), ...credentials.env }
      },
      prepare: async ({ contender, port }, timeoutMs) => {
        const variant = variantOf.get(contender.id)!
        const dialect = contender.http!.statelessDialect
        const token = tokens.get(contender.id)
        const headers = token === undefined ? undefined : { authorization: `Bearer ${token}` }
        if (token !== undefined) {
          // The layer must be on: a request without the token is refused.
          const refused = await send(port, toolCallRequest(dialect, 1), timeoutMs)
          if (refused.status !== 401) throw new NotApplicable(`auth is not enforced: HTTP ${refused.status} without a token`)
        }
        await verifyToolCall(port, dialect, undefined, timeoutMs, headers)
        return {
          requests: [withHeaders(toolCallRequest(dialect, 1), headers)],
          unitsPerRequest: 1,
          uniqueIds: false,
          ...(dialect === "modern" ? { note: "2026-07-28 request" } : {}),
          detail: { layers: variant.layers, dialect }
        }
      },
      afterRounds: async ({ contender, port }) => {
        // The layers really ran: the metrics counted the calls, the exporter got spans.
        const variant = variantOf.get(contender.id)!
        const row = rowOf.get(contender.id)!
        const cell = row.cells.get("ours")
        if (cell?.ok !== true) return
        const sent = (this.samples["7"][contender.id] as Array<LoadSample>).reduce((sum, s) => sum + s.ok, 0)
        try {
          const stats = await stackStats(port)
          const problem = variant.layers.includes("metrics") && !(stats.toolCalls !== null && stats.toolCalls >= sent)
            ? `metrics counted ${stats.toolCalls} tools/call, fewer than the ${sent} measured`
            : variant.layers.includes("tracing") && !(stats.spans !== null && stats.spans > 0)
            ? "tracing exported no span"
            : undefined
          if (problem !== undefined) {
            row.cells.set("ours", { ok: false, reason: problem })
            return
          }
          row.cells.set("ours", { ...cell, detail: { ...cell.detail, measuredCalls: sent, spans: stats.spans, toolCallsCounted: stats.toolCalls } })
        } catch (error) {
          row.cells.set("ours", { ok: false, reason: `/bench/stats: ${reasonOf(error)}` })
        }
      }
    })
    const full = rowOf.get("full")!
    const ratio = this.report.ratioOf(full, "ours")
    if (ratio !== undefined) {
      log(`${elapsed()}  7 stack: full = ${ratio.toFixed(2)} of bare (target >= ${STACK_TARGET.toFixed(2)}: ${ratio >= STACK_TARGET ? "met" : "not met"})`)
    }
  }
}

/**
 * Opens up to `count` legacy sessions, 32 at a time, and keeps them (no DELETE); stops
 * early when `seconds` run out. Returns how many were opened.
 */
const createSessions = async (port: number, count: number, seconds: number): Promise<number> => {
  const deadline = performance.now() + seconds * 1000
  let next = 0
  let opened = 0
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const index = next++
      try {
        await openSession(port)
        opened++
      } catch (error) {
        throw new NotApplicable(`session ${index + 1} of ${count}: ${reasonOf(error)}`)
      }
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  return opened
}

/** Milliseconds from spawn to the first verified tools/call answer. */
const firstToolCall = async (running: Running, port: number, dialect: Dialect, timeoutMs = 60_000): Promise<number> => {
  const spec = toolCallRequest(dialect, 1)
  const deadline = running.spawnedAt + timeoutMs
  while (performance.now() < deadline) {
    if (running.exitInfo() !== undefined) throw new NotApplicable(`process ${running.exitInfo()}`)
    try {
      const answer = await send(port, spec, 5_000)
      if (answer.status === 200) {
        const problem = echoProblem(responseTo(answer, 1))
        if (problem !== undefined) throw new NotApplicable(problem)
        return performance.now() - running.spawnedAt
      }
    } catch (error) {
      if (error instanceof NotApplicable) throw error
    }
    await sleep(5)
  }
  throw new NotApplicable(`no tools/call answer within ${timeoutMs / 1000}s`)
}

// ---------------------------------------------------------------- profile

const profile = async (settings: Settings, contender: Contender, load: typeof import("./lib/load.ts")) => {
  const unavailable = contender.unavailable()
  if (unavailable !== undefined) {
    log(`profile: ${contender.label} n/a (${unavailable})`)
    process.exitCode = 1
    return
  }
  const port = await getFreePort()
  const name = `${contender.id}-s1-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`
  const running = spawnContender(contender, {
    launch: settings.launch,
    transport: "http",
    env: httpEnv("stateless", port),
    port,
    nodeFlags: ["--cpu-prof", "--cpu-prof-dir", RESULTS_DIR, "--cpu-prof-name", name]
  })
  try {
    await waitForPort(running)
    const dialect = contender.http!.statelessDialect
    await verifyToolCall(port, dialect)
    const requests = [toolCallRequest(dialect, 1)]
    await load.httpLoad(port, requests, { connections: settings.connections, seconds: 1 })
    log(`profile: ${contender.label} under scenario 1 for ${settings.profileSeconds} s ...`)
    const sample = await load.httpLoad(port, requests, { connections: settings.connections, seconds: settings.profileSeconds })
    log(`profile: ${Math.round(sample.rps)} req/s (p50 ${sample.p50} ms, p99 ${sample.p99} ms) while profiling`)
  } catch (error) {
    log(`profile: ${contender.label} n/a (${reasonOf(error)})`)
    process.exitCode = 1
  } finally {
    await running.stop()
  }
  const file = join(RESULTS_DIR, name)
  if (existsSync(file)) {
    log(`profile: wrote ${relative(ROOT_DIR, file)} (open it in Chrome DevTools > Performance, or speedscope)`)
  } else {
    log(`profile: no profile written (the process must exit normally on SIGTERM for --cpu-prof to write it)`)
    process.exitCode = 1
  }
}

// ---------------------------------------------------------------- main

/** Compiles every available contender; one that fails to compile becomes n/a with the reason. */
const compileAll = async (list: ReadonlyArray<Contender>): Promise<ReadonlyArray<Contender>> => {
  const { compileContender } = await import("./lib/build.ts")
  return Promise.all(list.map(async (contender): Promise<Contender> => {
    if (contender.unavailable() !== undefined) return contender
    try {
      registerCompiled(await compileContender(contender))
      return contender
    } catch (error) {
      const reason = `does not compile: ${reasonOf(error).split("\n")[0]}`
      return { ...contender, unavailable: (transport) => contender.unavailable(transport) ?? reason }
    }
  }))
}

const main = async (): Promise<void> => {
  const settings = parseSettings(process.argv.slice(2))
  ensureInstalled()
  const load = await import("./lib/load.ts")
  const everyone = allContenders(settings.dialect)
  const selected = settings.profile
    ? everyone.filter((c) => c.id === settings.profileTarget)
    : everyone.filter((c) => settings.only === undefined || settings.only.has(c.id))
  if (selected.length === 0) throw new Error(`no contender matches --only / --target\n${USAGE}`)
  const list = settings.launch === "compiled" ? await compileAll(selected) : selected

  if (settings.profile) {
    await profile(settings, list[0], load)
    return
  }

  const bench = new Bench(settings, list, load, selected)
  const started = new Date()
  log(`turbomcp bench (${settings.quick ? "quick" : "full"}): ${list.map((c) => c.id).join(", ")}; ` +
    `${settings.rounds} rounds of ${settings.seconds} s, ${settings.connections} connections`)
  const run: Record<number, () => Promise<void>> = {
    1: () => bench.scenario1(),
    2: () => bench.scenario2(),
    3: () => bench.scenario3(),
    4: () => bench.scenario4(),
    5: () => bench.scenario5(),
    6: () => bench.scenario6(),
    7: () => bench.scenario7()
  }
  for (const n of [1, 2, 3, 4, 5, 6, 7]) {
    if (settings.scenarios.has(n)) await run[n]()
  }

  const table = bench.report.markdown()
  const machine = machineInfo()
  log("")
  log(`Machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node} (Effect 4 on ${machine.node24 ?? "n/a"}); ` +
    `${settings.quick ? "quick" : "full"} run, ${settings.launch} launch, ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`)
  log("Ratios: higher is better, vs the plain node:http server (scenarios 1-3), the plain readline loop (scenario 4) " +
    "or our bare server (scenario 7); (×N) is N times plain's figure, lower is better.")
  log("")
  log(table)
  const file = writeResults("latest.json", {
    generatedAt: started.toISOString(),
    durationSeconds: round((Date.now() - started.getTime()) / 1000, 1),
    mode: settings.quick ? "quick" : "full",
    settings: {
      rounds: settings.rounds,
      secondsPerSample: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      connections: settings.connections,
      stdioCalls: settings.stdioCalls,
      sessions: settings.sessions,
      startupRounds: settings.startupRounds,
      dialect: settings.dialect,
      launch: settings.launch,
      scenarios: [...settings.scenarios]
    },
    machine,
    packages: packageVersions(),
    contenders: list.map((c) => ({ id: c.id, label: c.label, role: c.role, node: c.node === process.execPath ? process.version : machine.node24 })),
    ...bench.report.toJSON(),
    samples: bench.samples,
    table
  })
  log("")
  log(`wrote ${relative(ROOT_DIR, file)}`)
}

process.once("SIGINT", () => {
  killAll()
  process.exit(130)
})

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  killAll()
  process.exit(1)
})

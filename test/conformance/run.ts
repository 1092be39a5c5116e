/**
 * Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, pinned in this
 * folder's package.json) against examples/conformance-server.ts and prints one row per scenario.
 *
 *   npm run conformance        # from the repository root
 *
 * - The fixture runs on the project's Node (>= 20) on a free loopback port; the suite's CLI needs
 *   Node >= 22 and runs on the Node 24 this folder pins (node_modules/.bin/node).
 * - Legacy runs: `--suite all` at 2025-11-25, 2025-06-18 and 2025-03-26 (the SDK client negotiates
 *   2025-11-25 in each; the spec version picks the wire schema and the raw probes' version).
 *   Every legacy scenario must pass.
 * - Modern run: every server scenario of `--requirements 2026-07-28` (scored, pending and the
 *   tasks extension) plus the skills extension, all on the 2026-07-28 wire: `--suite all
 *   --spec-version 2026-07-28` covers the scored and pending ones, and each extension scenario
 *   runs forced in its own CLI, in parallel with the suites. Failures listed in
 *   expected-failures.yml (the CLI's baseline format, applied to this run only) are tolerated;
 *   a listed scenario or check that passes is stale and fails the run, so the list only shrinks.
 * - A scenario fails when any check is FAILURE or WARNING (the CLI's baseline rule).
 *
 * Environment: CONFORMANCE_CONCURRENCY (CLI processes at once, default 4),
 * CONFORMANCE_ONLY=legacy|modern (one side only), CONFORMANCE_SCENARIO=<name> (one scenario).
 * Each run's logs and checks.json files are kept under test/conformance/results/<timestamp>/
 * (the ten latest runs).
 */
import { spawn, spawnSync } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const node24 = path.join(here, "node_modules/.bin/node")
const cli = path.join(here, "node_modules/@modelcontextprotocol/conformance/dist/index.js")
const fixture = path.join(root, "examples/conformance-server.ts")
const expectedFailuresFile = path.join(here, "expected-failures.yml")

const LEGACY_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"] as const
const MODERN = "2026-07-28"
const SKILLS = ["sep-2640-skills-directory", "sep-2640-skills-enumeration", "sep-2640-skills-manifest"]
const COLUMNS = [...LEGACY_VERSIONS, MODERN]

type Status = "SUCCESS" | "FAILURE" | "WARNING" | "SKIPPED" | "INFO"
interface Check {
  readonly id: string
  readonly status: Status
  readonly errorMessage?: string
}
interface Job {
  readonly label: string
  readonly version: string
  readonly args: ReadonlyArray<string>
  /** Scenarios this job must produce results for. */
  readonly scenarios: ReadonlyArray<string>
  readonly timeoutMs: number
}
interface Outcome {
  readonly scenario: string
  readonly version: string
  readonly checks: ReadonlyArray<Check>
  /** Set when the CLI produced no checks for the scenario. */
  readonly error?: string
}
type Verdict = "pass" | "FAIL" | "xfail" | "XPASS"

// --- setup ---------------------------------------------------------------------------------------

// Every process this runner started and that still runs; stopped when the runner is stopped.
const children = new Set<ChildProcess>()
const track = <C extends ChildProcess>(child: C): C => {
  children.add(child)
  child.once("exit", () => children.delete(child))
  return child
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill("SIGKILL")
    process.exit(130)
  })
}

const ensureInstalled = () => {
  if (fs.existsSync(node24) && fs.existsSync(cli)) return
  console.log("test/conformance: installing the pinned suite and Node 24 (npm ci)")
  const npm = process.platform === "win32" ? "npm.cmd" : "npm"
  const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: here, stdio: "inherit" })
  if (result.status !== 0 || !fs.existsSync(node24) || !fs.existsSync(cli)) {
    throw new Error("npm ci in test/conformance failed; run it by hand to see why")
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" })
    socket.once("connect", () => (socket.destroy(), resolve(true)))
    socket.once("error", () => resolve(false))
  })

const startFixture = async (port: number, logFile: string): Promise<ChildProcess> => {
  const log = fs.openSync(logFile, "w")
  const child = track(spawn(process.execPath, ["--import", "tsx", fixture], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", log, log]
  }))
  let exited = false
  child.once("exit", () => (exited = true))
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the fixture exited at start; see ${logFile}`)
    if (await canConnect(port)) return child
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill("SIGKILL")
  throw new Error(`the fixture did not listen on port ${port} within 60 s; see ${logFile}`)
}

const stopFixture = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    // SIGTERM drains requests in flight; streams a failed scenario left open must not hold us up.
    const force = setTimeout(() => child.kill("SIGKILL"), 3_000)
    child.once("exit", () => (clearTimeout(force), resolve()))
    child.kill("SIGTERM")
  })

// --- the CLI ------------------------------------------------------------------------------------

const runCli = (args: ReadonlyArray<string>, logFile: string | undefined, timeoutMs: number) =>
  new Promise<{ readonly code: number | null; readonly output: string }>((resolve) => {
    const child = track(spawn(node24, [cli, ...args], { cwd: here, stdio: ["ignore", "pipe", "pipe"] }))
    const chunks: Array<Buffer> = []
    child.stdout.on("data", (c: Buffer) => chunks.push(c))
    child.stderr.on("data", (c: Buffer) => chunks.push(c))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.once("close", (code) => {
      clearTimeout(timer)
      const output = Buffer.concat(chunks).toString("utf8")
      if (logFile !== undefined) fs.writeFileSync(logFile, output)
      resolve({ code, output })
    })
  })

// `conformance list` prints "  - <name> [...]" lines; the requirement set adds "    - <name> [server]".
const listScenarios = async (args: ReadonlyArray<string>): Promise<Array<string>> => {
  const { code, output } = await runCli(["list", ...args], undefined, 60_000)
  if (code !== 0) throw new Error(`conformance list ${args.join(" ")} failed:\n${output}`)
  const names: Array<string> = []
  let section = ""
  for (const line of output.split("\n")) {
    if (/^\S/.test(line)) section = line
    const item = /^\s+- (\S+)(?: \[(.*)\])?\s*$/.exec(line)
    if (item === null) continue
    const isServer = section.startsWith("Server scenarios") || item[2] === "server"
    if (isServer && !names.includes(item[1]!)) names.push(item[1]!)
  }
  return names
}

const readOutcomes = (dir: string, job: Job, cliOutput: string): Array<Outcome> => {
  const found = new Map<string, Outcome>()
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir) : []
  for (const entry of entries) {
    const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry)
    if (match === null) continue
    const scenario = match[1]!
    const file = path.join(dir, entry, "checks.json")
    found.set(
      scenario,
      fs.existsSync(file)
        ? { scenario, version: job.version, checks: JSON.parse(fs.readFileSync(file, "utf8")) as Array<Check> }
        : { scenario, version: job.version, checks: [], error: "the scenario threw before recording checks" }
    )
  }
  for (const scenario of job.scenarios) {
    if (!found.has(scenario)) {
      const tail = cliOutput.trim().split("\n").slice(-3).join(" | ")
      found.set(scenario, { scenario, version: job.version, checks: [], error: `no results (${tail || "no output"})` })
    }
  }
  // The order `conformance list` gives, then anything else the CLI ran.
  const order = (o: Outcome) => {
    const i = job.scenarios.indexOf(o.scenario)
    return i === -1 ? job.scenarios.length : i
  }
  return [...found.values()].sort((a, b) => order(a) - order(b))
}

const pool = async <A, B>(items: ReadonlyArray<A>, concurrency: number, f: (a: A) => Promise<B>) => {
  const results: Array<B> = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await f(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}

// --- expected failures ----------------------------------------------------------------------------

interface Baseline {
  readonly scenarios: Set<string>
  readonly checks: Map<string, Set<string>>
}

// The CLI's format: `server:` then `- scenario` or `- scenario:check-id` items.
const readBaseline = (file: string): Baseline => {
  const baseline: Baseline = { scenarios: new Set(), checks: new Map() }
  if (!fs.existsSync(file)) return baseline
  let section = ""
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const line = raw.replace(/#.*$/, "").trimEnd()
    if (line.trim() === "") continue
    const key = /^(\w[\w-]*):\s*$/.exec(line)
    if (key !== null) {
      section = key[1]!
      continue
    }
    const item = /^\s*-\s+(\S+)$/.exec(line)
    if (item === null) throw new Error(`${file}: cannot read line "${raw}"`)
    if (section !== "server") continue
    const [scenario, check] = item[1]!.split(":") as [string, string | undefined]
    if (check === undefined) baseline.scenarios.add(scenario)
    else baseline.checks.set(scenario, (baseline.checks.get(scenario) ?? new Set()).add(check))
  }
  for (const scenario of baseline.checks.keys()) {
    if (baseline.scenarios.has(scenario)) throw new Error(`${file}: ${scenario} is listed whole and per check`)
  }
  return baseline
}

const harnessChecks = new Set(["wire-schema-valid"])

const failing = (c: Check) => c.status === "FAILURE" || c.status === "WARNING"

const judge = (outcome: Outcome, baseline: Baseline | undefined): { verdict: Verdict; notes: Array<string> } => {
  const failed = outcome.checks.filter(failing)
  // A scenario none of whose checks succeeded (all SKIPPED: the server lacks what it tests)
  // tested nothing, and is not a pass.
  // (`wire-schema-valid` is the harness's own check on every scenario's traffic, not the scenario's.)
  const untested = outcome.error === undefined && failed.length === 0 &&
    !outcome.checks.some((c) => c.status === "SUCCESS" && !harnessChecks.has(c.id))
  const isFailure = outcome.error !== undefined || failed.length > 0 || untested
  const describe = () =>
    outcome.error !== undefined
      ? [outcome.error]
      : untested
      ? [`no check succeeded (${outcome.checks.map((c) => `${c.id} ${c.status}`).join(", ") || "no checks"})`]
      : failed.map((c) => `${c.id} ${c.status}${c.errorMessage ? `: ${c.errorMessage}` : ""}`)
  if (baseline === undefined) return isFailure ? { verdict: "FAIL", notes: describe() } : { verdict: "pass", notes: [] }
  if (baseline.scenarios.has(outcome.scenario)) {
    return isFailure
      ? { verdict: "xfail", notes: [] }
      : { verdict: "XPASS", notes: ["passes now: remove it from expected-failures.yml"] }
  }
  const listedChecks = baseline.checks.get(outcome.scenario)
  if (listedChecks === undefined) return isFailure ? { verdict: "FAIL", notes: describe() } : { verdict: "pass", notes: [] }
  if (outcome.error !== undefined) return { verdict: "FAIL", notes: describe() }
  const unexpected = failed.filter((c) => !listedChecks.has(c.id))
  const stale = [...listedChecks].filter((id) => outcome.checks.some((c) => c.id === id && c.status === "SUCCESS"))
  if (unexpected.length > 0) {
    return { verdict: "FAIL", notes: unexpected.map((c) => `${c.id} ${c.status}${c.errorMessage ? `: ${c.errorMessage}` : ""}`) }
  }
  if (stale.length > 0) {
    return { verdict: "XPASS", notes: stale.map((id) => `${id} passes now: remove it from expected-failures.yml`) }
  }
  if (untested) return { verdict: "FAIL", notes: describe() }
  return { verdict: failed.length > 0 ? "xfail" : "pass", notes: [] }
}

// --- main ---------------------------------------------------------------------------------------

const main = async (): Promise<number> => {
  const started = Date.now()
  ensureInstalled()
  const only = process.env.CONFORMANCE_ONLY
  const single = process.env.CONFORMANCE_SCENARIO
  const concurrency = Number(process.env.CONFORMANCE_CONCURRENCY ?? 4)
  const stamp = new Date().toISOString().replace(/[:.]/g, "-")
  const resultsDir = path.join(here, "results")
  const outDir = path.join(resultsDir, stamp)
  fs.mkdirSync(outDir, { recursive: true })
  // Keep the ten latest runs.
  for (const old of fs.readdirSync(resultsDir).sort().slice(0, -10)) {
    fs.rmSync(path.join(resultsDir, old), { recursive: true, force: true })
  }
  const baseline = readBaseline(expectedFailuresFile)

  // The fixture compiles and starts while the CLI lists the scenarios.
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/mcp`
  const serverStarting = startFixture(port, path.join(outDir, "fixture.log"))
  serverStarting.catch(() => undefined)

  // Suites run their scenarios one after another in one CLI process, which is far cheaper than
  // a process per scenario; what no suite covers (the extensions) runs one CLI per scenario.
  const wanted = (s: string) => single === undefined || s === single
  const suiteJob = (label: string, version: string, scenarios: ReadonlyArray<string>, timeout: number): Job => ({
    label,
    version,
    args: single === undefined
      ? ["--suite", "all", "--spec-version", version, "--timeout", String(timeout)]
      : ["--scenario", single, "--spec-version", version],
    scenarios,
    timeoutMs: 150_000
  })
  const [suite, required, ...legacyLists] = await Promise.all([
    listScenarios(["--server", "--spec-version", MODERN]),
    listScenarios(["--requirements", MODERN]),
    ...LEGACY_VERSIONS.map((v) => listScenarios(["--server", "--spec-version", v]))
  ])
  // The longest runs start first: the 2026-07-28 suite, the legacy suites, then the extensions.
  const jobs: Array<Job> = []
  if (only !== "legacy" && suite!.some(wanted)) jobs.push(suiteJob(MODERN, MODERN, suite!.filter(wanted), 20_000))
  if (only !== "modern") {
    LEGACY_VERSIONS.forEach((version, i) => {
      const scenarios = legacyLists[i]!.filter(wanted)
      // Legacy scenarios finish in seconds (server-sse-polling, the slowest, reads for at most 15 s).
      if (scenarios.length > 0) jobs.push(suiteJob(`legacy ${version}`, version, scenarios, 20_000))
    })
  }
  if (only !== "legacy") {
    for (const scenario of [...required!, ...SKILLS].filter((s) => !suite!.includes(s) && wanted(s))) {
      jobs.push({
        label: scenario,
        version: MODERN,
        args: ["--scenario", scenario, "--spec-version", MODERN, "--force"],
        scenarios: [scenario],
        timeoutMs: 75_000
      })
    }
  }
  if (jobs.length === 0) {
    await serverStarting.then(stopFixture, () => undefined)
    throw new Error(`no scenario matches ${single}`)
  }

  const server = await serverStarting
  let outcomes: Array<Outcome>
  try {
    const perJob = await pool(jobs, concurrency, async (job) => {
      const dir = path.join(outDir, job.version, job.args[0] === "--suite" ? "suite" : job.scenarios[0]!)
      fs.mkdirSync(dir, { recursive: true })
      const jobStarted = Date.now()
      const { output } = await runCli(["server", "--url", url, ...job.args, "-o", dir], path.join(dir, "cli.log"), job.timeoutMs)
      console.log(`ran ${job.label} (${job.scenarios.length} scenarios) in ${((Date.now() - jobStarted) / 1000).toFixed(1)} s`)
      return readOutcomes(dir, job, output)
    })
    outcomes = perJob.flat()
  } finally {
    await stopFixture(server)
  }

  // One row per scenario, one column per revision.
  const cells = new Map<string, Map<string, Verdict>>()
  const problems: Array<string> = []
  let expected = 0
  outcomes.sort((a, b) => COLUMNS.indexOf(a.version) - COLUMNS.indexOf(b.version))
  for (const outcome of outcomes) {
    const { notes, verdict } = judge(outcome, outcome.version === MODERN ? baseline : undefined)
    if (!cells.has(outcome.scenario)) cells.set(outcome.scenario, new Map())
    cells.get(outcome.scenario)!.set(outcome.version, verdict)
    if (verdict === "xfail") expected++
    if (verdict === "FAIL" || verdict === "XPASS") {
      problems.push(`${outcome.scenario} @ ${outcome.version}: ${verdict}`, ...notes.map((n) => `    ${n}`))
    }
  }
  const width = Math.max(...[...cells.keys()].map((s) => s.length), "scenario".length) + 2
  const line = (first: string, rest: ReadonlyArray<string>) => first.padEnd(width) + rest.map((c) => c.padEnd(12)).join("")
  console.log(line("scenario", COLUMNS))
  console.log("-".repeat(width + 12 * COLUMNS.length))
  for (const [scenario, byVersion] of cells) console.log(line(scenario, COLUMNS.map((v) => byVersion.get(v) ?? "-")))
  console.log("")
  const count = (version: (v: string) => boolean, verdict: Verdict) =>
    outcomes.filter((o) => version(o.version) && cells.get(o.scenario)!.get(o.version) === verdict).length
  const legacy = (v: string) => v !== MODERN
  const modern = (v: string) => v === MODERN
  console.log(
    `legacy: ${count(legacy, "pass")} passed, ${count(legacy, "FAIL")} failed` +
      ` | ${MODERN}: ${count(modern, "pass")} passed, ${expected} expected failures, ` +
      `${count(modern, "FAIL")} unexpected failures, ${count(modern, "XPASS")} stale expected failures` +
      ` | ${((Date.now() - started) / 1000).toFixed(1)} s, results in ${path.relative(root, outDir)}`
  )
  if (problems.length > 0) {
    console.log("\nProblems:")
    for (const p of problems) console.log(`  ${p}`)
    return 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
)

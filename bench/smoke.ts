/**
 * Smoke check for CI: starts each contender once per transport and does ONE verified
 * tools/call, so the harness and the peers cannot rot. No load, no timing.
 * Contenders whose node_modules (or, for ours, examples/demo) are absent are skipped
 * with the reason printed. With ours, scenario 7's server (`ours-stack`, HTTP) is started
 * once with the full production stack and answers one authenticated tools/call (see
 * lib/stack.ts: auth, rate limit, metrics and tracing are each checked to be on).
 *
 *   tsx bench/smoke.ts [--only ours,plain] [--transport http|stdio] [--install] [--compiled]
 *
 * From a test:  import { smoke } from "../bench/smoke.ts"
 *               const results = await smoke({ only: ["ours"] })
 *               expect(results.filter((r) => r.status === "failed")).toEqual([])
 *
 * Imports node built-ins and bench/lib only (never a peer package), so importing it
 * works on a checkout where bench/ has not been installed (`jose`, for the stack's token,
 * then resolves from the root's node_modules).
 */
import { pathToFileURL } from "node:url"
import { type Contender, contenders, httpEnv, oursStack } from "./lib/contenders.ts"
import { ensureInstalled } from "./lib/install.ts"
import { NotApplicable, verifyToolCall } from "./lib/mcp.ts"
import { type Launch, getFreePort, registerCompiled, spawnContender, waitForPort } from "./lib/process.ts"
import { smokeStack } from "./lib/stack.ts"
import { StdioClient } from "./lib/stdio-client.ts"

export type SmokeTransport = "http" | "stdio"

export interface SmokeResult {
  readonly contender: string
  readonly transport: SmokeTransport
  readonly status: "ok" | "skipped" | "failed"
  /** Why it was skipped or failed. */
  readonly reason?: string
  readonly ms: number
}

export interface SmokeOptions {
  /**
   * Contender ids (default: all): ours, ours-stack, plain, sdk-v1, sdk-v2, fastmcp, effect3,
   * effect4. `ours` includes `ours-stack` (scenario 7's server, HTTP only).
   */
  readonly only?: ReadonlyArray<string>
  readonly transports?: ReadonlyArray<SmokeTransport>
  /** Run `npm ci` in bench/ and bench/peers-node24/ first when their node_modules is missing. */
  readonly install?: boolean
  /**
   * "tsx" (default): `node --import tsx entry.ts`, nothing to build. "compiled": the
   * esbuild-compiled entries the benchmark runs (needs bench/node_modules for esbuild).
   */
  readonly launch?: Launch
  /** Per contender start-and-call limit (default 60 s). */
  readonly timeoutMs?: number
  readonly log?: (line: string) => void
}

const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotApplicable(`${what}: no verified answer within ${ms / 1000}s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const once = async (contender: Contender, transport: SmokeTransport, launch: Launch, timeoutMs: number): Promise<void> => {
  if (launch === "compiled") registerCompiled(await (await import("./lib/build.ts")).compileContender(contender))
  if (contender.id === "ours-stack") {
    await withTimeout(smokeStack(contender, launch, contender.http!.statelessDialect, timeoutMs), timeoutMs, "http")
  } else if (transport === "http") {
    const port = await getFreePort()
    const running = spawnContender(contender, { launch, transport, env: httpEnv("stateless", port), port })
    try {
      await withTimeout(
        (async () => {
          await waitForPort(running, timeoutMs)
          await verifyToolCall(port, contender.http!.statelessDialect)
        })(),
        timeoutMs,
        "http"
      )
    } finally {
      await running.stop()
    }
  } else {
    const running = spawnContender(contender, { launch, transport, env: {} })
    try {
      const client = new StdioClient(running)
      await withTimeout(
        (async () => {
          await client.handshake()
          await client.verifyEcho()
        })(),
        timeoutMs,
        "stdio"
      )
    } finally {
      await running.stop()
    }
  }
}

/** Starts each contender once per transport, sequentially, and does one verified tools/call. */
export const smoke = async (options: SmokeOptions = {}): Promise<ReadonlyArray<SmokeResult>> => {
  const log = options.log ?? ((line: string) => console.log(line))
  if (options.install === true) ensureInstalled()
  // ours-stack comes right after ours, and with it: `--only ours` checks both.
  const list = contenders()
    .flatMap((c) => (c.id === "ours" ? [c, oursStack(c.http!.statelessDialect)] : [c]))
    .filter((c) =>
      options.only === undefined || options.only.includes(c.id) || (c.id === "ours-stack" && options.only.includes("ours"))
    )
  const transports = options.transports ?? ["http", "stdio"]
  const results: Array<SmokeResult> = []
  for (const contender of list) {
    for (const transport of transports) {
      const start = Date.now()
      const program = transport === "http" ? contender.http : contender.stdio
      // A transport the contender does not have by design (ours-stack: HTTP only) is not a skip.
      if (program === undefined) continue
      const skip = contender.unavailable(transport)
      let result: SmokeResult
      if (skip !== undefined) {
        result = { contender: contender.id, transport, status: "skipped", reason: skip, ms: 0 }
      } else {
        try {
          await once(contender, transport, options.launch ?? "tsx", options.timeoutMs ?? 60_000)
          result = { contender: contender.id, transport, status: "ok", ms: Date.now() - start }
        } catch (error) {
          const reason = error instanceof NotApplicable ? error.reason : error instanceof Error ? error.message : String(error)
          result = { contender: contender.id, transport, status: "failed", reason, ms: Date.now() - start }
        }
      }
      results.push(result)
      log(`smoke ${result.contender.padEnd(10)} ${transport.padEnd(5)} ${result.status}${
        result.status === "ok" ? ` (${result.ms} ms)` : ` (${result.reason})`
      }`)
    }
  }
  return results
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href

if (isMain) {
  const argv = process.argv.slice(2)
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag)
    return i === -1 ? undefined : argv[i + 1]
  }
  const only = value("--only")?.split(",")
  const transport = value("--transport")
  const results = await smoke({
    ...(only === undefined ? {} : { only }),
    ...(transport === "http" || transport === "stdio" ? { transports: [transport] } : {}),
    install: argv.includes("--install"),
    launch: argv.includes("--compiled") ? "compiled" : "tsx"
  })
  const failed = results.filter((r) => r.status === "failed").length
  const ok = results.filter((r) => r.status === "ok").length
  const skipped = results.filter((r) => r.status === "skipped").length
  console.log(`smoke: ${ok} ok, ${failed} failed, ${skipped} skipped`)
  process.exit(failed > 0 ? 1 : 0)
}

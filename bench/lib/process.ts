/** Starting and stopping contender processes, and reading their memory from /proc. */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { createServer, connect } from "node:net"
import { performance } from "node:perf_hooks"
import type { Contender } from "./contenders.ts"
import { NotApplicable } from "./mcp.ts"
import { sleep } from "./stats.ts"

export interface Running {
  readonly contender: Contender
  readonly child: ChildProcess
  readonly pid: number
  readonly port: number | undefined
  /** performance.now() right before spawn. */
  readonly spawnedAt: number
  stderrTail(): string
  exitInfo(): string | undefined
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()

/** Kills whatever the harness started that is still running (by PID). */
export const killAll = (): void => {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  }
  live.clear()
}
process.once("exit", killAll)

export const getFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/**
 * How contenders are launched. "compiled" (the default of run.ts): the entries compiled
 * by lib/build.ts, run as `node file.mjs`. "tsx": `node --import tsx file.ts`.
 */
export type Launch = "compiled" | "tsx"

const compiledFiles = new Map<string, string>()
const bundledFiles = new Map<string, string>()

/** Records the files lib/build.ts produced (script -> built file). */
export const registerCompiled = (files: ReadonlyMap<string, string>): void => {
  for (const [script, file] of files) compiledFiles.set(script, file)
}

/** Records scenario 6's fully bundled build of a script (lib/build.ts bundleContender). */
export const registerBundled = (script: string, file: string): void => {
  bundledFiles.set(script, file)
}

export interface SpawnOptions {
  /** Default "tsx". "bundled": the one-file build of scenario 6 (registerBundled). */
  readonly launch?: Launch | "bundled"
  readonly transport: "http" | "stdio"
  readonly env: Readonly<Record<string, string>>
  readonly port?: number
  /** Extra node flags (e.g. --cpu-prof) placed before --import tsx. */
  readonly nodeFlags?: ReadonlyArray<string>
}

export const spawnContender = (contender: Contender, options: SpawnOptions): Running => {
  const program = options.transport === "http" ? contender.http : contender.stdio
  if (program === undefined) throw new NotApplicable(`no ${options.transport} program`)
  const built = options.launch === "compiled"
    ? compiledFiles.get(program.script)
    : options.launch === "bundled"
    ? bundledFiles.get(program.script)
    : undefined
  if (options.launch !== undefined && options.launch !== "tsx" && built === undefined) {
    throw new Error(`${program.script} was not ${options.launch}`)
  }
  const entry = built !== undefined ? [built] : ["--import", "tsx", program.script]
  const args = [
    ...(options.nodeFlags ?? []),
    ...entry,
    ...(options.transport === "stdio" ? (contender.stdio?.args ?? []) : [])
  ]
  const spawnedAt = performance.now()
  const child = spawn(contender.node, args, {
    cwd: contender.cwd,
    env: { ...process.env, NODE_ENV: "production", ...options.env },
    stdio: options.transport === "stdio" ? ["pipe", "pipe", "pipe"] : ["ignore", "ignore", "pipe"]
  })
  live.add(child)
  let tail = ""
  child.stderr?.setEncoding("utf8")
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4_000)
  })
  let exit: string | undefined
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = signal !== null ? `killed by ${signal}` : `exited with code ${code}`
      live.delete(child)
      resolve()
    })
    child.once("error", (error) => {
      exit = `failed to spawn: ${error.message}`
      live.delete(child)
      resolve()
    })
  })
  return {
    contender,
    child,
    pid: child.pid ?? -1,
    port: options.port,
    spawnedAt,
    stderrTail: () => tail,
    exitInfo: () => exit,
    stop: async () => {
      if (exit !== undefined) return
      child.kill("SIGTERM")
      const timer = sleep(5_000).then(() => "timeout" as const)
      if ((await Promise.race([exited, timer])) === "timeout" && exit === undefined) {
        child.kill("SIGKILL")
        await exited
      }
    }
  }
}

/** The last meaningful stderr line(s), for an n/a reason. */
export const failureReason = (running: Running, what: string): string => {
  const lines = running
    .stderrTail()
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("at "))
  const last = lines.slice(-2).join(" | ")
  const detail = [running.exitInfo(), last].filter((s) => s !== undefined && s !== "").join(": ")
  return detail === "" ? what : `${what} (${detail.slice(0, 300)})`
}

const tryConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

/** Waits until the contender accepts TCP connections on its port. */
export const waitForPort = async (running: Running, timeoutMs = 60_000, intervalMs = 20): Promise<void> => {
  const port = running.port
  if (port === undefined) throw new Error("no port")
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (running.exitInfo() !== undefined) throw new NotApplicable(failureReason(running, "failed to start"))
    if (await tryConnect(port)) return
    await sleep(intervalMs)
  }
  throw new NotApplicable(failureReason(running, `did not listen within ${timeoutMs / 1000}s`))
}

export interface ProcStatus {
  /** Resident set size, bytes. */
  readonly rss: number
  /** Peak resident set size (VmHWM), bytes. */
  readonly hwm: number
}

export const procStatus = (pid: number): ProcStatus => {
  const text = readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)
    return match === null ? Number.NaN : Number(match[1]) * 1024
  }
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") }
}

// Spawning the demo server as a child process, picking free ports, and a raw
// newline-delimited JSON-RPC client for stdio.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import * as net from "node:net"
import * as readline from "node:readline"
import { fileURLToPath } from "node:url"

/** The repository root (the demo runs from here so `--import tsx` and the path alias resolve). */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url))

export const DEMO_STDIO = "examples/demo/stdio.ts"
export const DEMO_HTTP = "examples/demo/http.ts"

/** The environment of this process with only string values (what child_process and the SDK take). */
export const baseEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (typeof value === "string") env[key] = value
  return { ...env, ...extra }
}

/** The command line that runs a TypeScript entry point with tsx. */
export const nodeCommand = (file: string) => ({ command: process.execPath, args: ["--import", "tsx", file] })

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Rejects after `ms` with `what` in the message; the timer never keeps the process alive. */
export const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms)
    timer.unref()
    promise.then(
      (a) => (clearTimeout(timer), resolve(a)),
      (e) => (clearTimeout(timer), reject(e))
    )
  })

/** A free TCP port on the loopback interface. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export interface Exited {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A child process we started; `stop` ends only this process. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams
  readonly stderr: () => string
  readonly exited: Promise<Exited>
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  readonly stop: (graceMs?: number) => Promise<Exited>
}

export const spawnTs = (file: string, env: Record<string, string> = {}): Child => {
  const { args, command } = nodeCommand(file)
  const child = spawn(command, args, { cwd: ROOT, env: baseEnv(env), stdio: ["pipe", "pipe", "pipe"] })
  let stderr = ""
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<Exited>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }))
  })
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs)
      timer.unref()
      const result = await exited
      clearTimeout(timer)
      return result
    }
    return exited
  }
  return { process: child, stderr: () => stderr, exited, stop }
}

/** Waits until something answers HTTP on `url` (any status). */
export const waitForHttp = async (url: string, timeoutMs = 45_000, child?: Child): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child !== undefined && child.process.exitCode !== null) {
      throw new Error(`server exited with ${child.process.exitCode} before listening:\n${child.stderr()}`)
    }
    try {
      const res = await fetch(url, { method: "GET" })
      await res.body?.cancel()
      return
    } catch {
      if (Date.now() > deadline) throw new Error(`nothing listens on ${url} after ${timeoutMs} ms`)
      await delay(100)
    }
  }
}

/** A JSON-RPC message as it appears on the wire (loosely typed for assertions). */
export type Wire = Record<string, any>

/**
 * A raw line-oriented client over a child's stdio: every line the child writes is
 * parsed and kept; `next` waits for the first unread message that matches.
 */
export interface LineClient {
  readonly child: Child
  readonly messages: Array<Wire>
  /** Lines that were not JSON (must stay empty: stdout belongs to the protocol). */
  readonly garbage: Array<string>
  readonly sendLine: (line: string) => void
  readonly send: (message: unknown) => void
  readonly next: (match?: (m: Wire) => boolean, timeoutMs?: number) => Promise<Wire>
  readonly request: (id: number | string, method: string, params?: unknown, timeoutMs?: number) => Promise<Wire>
  readonly endInput: () => void
}

export const spawnStdio = (env: Record<string, string> = {}): LineClient => {
  const child = spawnTs(DEMO_STDIO, env)
  const messages: Array<Wire> = []
  const garbage: Array<string> = []
  const consumed = new Set<Wire>()
  const waiters = new Set<() => void>()
  const lines = readline.createInterface({ input: child.process.stdout, crlfDelay: Infinity })
  lines.on("line", (line) => {
    try {
      messages.push(JSON.parse(line))
    } catch {
      garbage.push(line)
    }
    for (const wake of [...waiters]) wake()
  })
  child.exited.then(() => {
    for (const wake of [...waiters]) wake()
  })
  const next = (match: (m: Wire) => boolean = () => true, timeoutMs = 10_000) =>
    withTimeout(
      new Promise<Wire>((resolve, reject) => {
        const check = () => {
          const found = messages.find((m) => !consumed.has(m) && match(m))
          if (found !== undefined) {
            consumed.add(found)
            waiters.delete(check)
            resolve(found)
          } else if (child.process.exitCode !== null || child.process.signalCode !== null) {
            waiters.delete(check)
            reject(new Error(`server exited (${child.process.exitCode}) before the expected message:\n${child.stderr()}`))
          }
        }
        waiters.add(check)
        check()
      }),
      timeoutMs,
      "a message from the stdio server"
    )
  const sendLine = (line: string) => void child.process.stdin.write(line + "\n")
  const send = (message: unknown) => sendLine(JSON.stringify(message))
  return {
    child,
    messages,
    garbage,
    sendLine,
    send,
    next,
    request: (id, method, params, timeoutMs) => {
      send(params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params })
      return next((m) => m.id === id && !("method" in m), timeoutMs)
    },
    endInput: () => void child.process.stdin.end()
  }
}

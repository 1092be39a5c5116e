/**
 * A line-delimited JSON-RPC client over a contender's stdin/stdout. Two modes:
 * parsed (every line decoded and matched by id, for the handshake and checks) and
 * counting (pipelined bursts: only newlines are counted, so the client stays cheap).
 */
import { performance } from "node:perf_hooks"
import { ECHO_TEXT, type JsonRpcMessage, NotApplicable, echoProblem, initializeParams, toolCallParams } from "./mcp.ts"
import { type Running, failureReason } from "./process.ts"

const NEWLINE = 0x0a

export class StdioClient {
  private nextId = 1
  private partial = ""
  private readonly waiting = new Map<number | string, (message: JsonRpcMessage) => void>()
  private readonly stray: Array<string> = []
  private counting: { remaining: number; lastLine: string; done: () => void } | undefined

  constructor(private readonly running: Running) {
    const stdout = running.child.stdout
    if (stdout === null) throw new Error("stdout is not piped")
    stdout.on("data", (chunk: Buffer) => this.onData(chunk))
  }

  private onData(chunk: Buffer): void {
    const counting = this.counting
    if (counting !== undefined) {
      let at = chunk.indexOf(NEWLINE)
      let count = 0
      let lastEnd = -1
      let prevEnd = -1
      while (at !== -1) {
        count++
        prevEnd = lastEnd
        lastEnd = at
        at = chunk.indexOf(NEWLINE, at + 1)
      }
      if (count > 0) {
        counting.lastLine = prevEnd === -1
          ? this.partial + chunk.toString("utf8", 0, lastEnd)
          : chunk.toString("utf8", prevEnd + 1, lastEnd)
        this.partial = chunk.toString("utf8", lastEnd + 1)
        counting.remaining -= count
        if (counting.remaining <= 0) counting.done()
      } else {
        this.partial += chunk.toString("utf8")
      }
      return
    }
    const text = this.partial + chunk.toString("utf8")
    const lines = text.split("\n")
    this.partial = lines.pop() ?? ""
    for (const line of lines) {
      if (line.trim().length === 0) continue
      let message: JsonRpcMessage
      try {
        message = JSON.parse(line) as JsonRpcMessage
      } catch {
        this.stray.push(line)
        continue
      }
      const resolve = message.id !== undefined && message.id !== null && message.method === undefined
        ? this.waiting.get(message.id)
        : undefined
      if (resolve !== undefined) {
        this.waiting.delete(message.id!)
        resolve(message)
      } else {
        this.stray.push(line)
      }
    }
  }

  private write(text: string): void {
    this.running.child.stdin?.write(text)
  }

  private exitGuard<A>(promise: Promise<A>, timeoutMs: number, what: string): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      const timer = setInterval(() => {
        if (this.running.exitInfo() !== undefined) {
          clearInterval(timer)
          reject(new NotApplicable(failureReason(this.running, `${what}: process ended`)))
        }
      }, 50)
      const timeout = setTimeout(() => {
        clearInterval(timer)
        reject(new NotApplicable(failureReason(this.running, `${what}: no answer within ${timeoutMs / 1000}s`)))
      }, timeoutMs)
      promise.then(
        (value) => {
          clearInterval(timer)
          clearTimeout(timeout)
          resolve(value)
        },
        (error) => {
          clearInterval(timer)
          clearTimeout(timeout)
          reject(error)
        }
      )
    })
  }

  request(method: string, params: Record<string, unknown>, timeoutMs = 30_000): Promise<JsonRpcMessage> {
    const id = this.nextId++
    const answer = new Promise<JsonRpcMessage>((resolve) => this.waiting.set(id, resolve))
    this.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n")
    return this.exitGuard(answer, timeoutMs, method)
  }

  notify(method: string): void {
    this.write(JSON.stringify({ jsonrpc: "2.0", method }) + "\n")
  }

  /** initialize + notifications/initialized. */
  async handshake(): Promise<void> {
    const init = await this.request("initialize", initializeParams(), 60_000)
    if (init.error !== undefined) throw new NotApplicable(`initialize: JSON-RPC error ${init.error.code} ${init.error.message}`)
    this.notify("notifications/initialized")
  }

  /** One verified tools/call. */
  async verifyEcho(): Promise<void> {
    const message = await this.request("tools/call", toolCallParams("legacy"))
    if (message.error !== undefined) throw new NotApplicable(`tools/call: JSON-RPC error ${message.error.code} ${message.error.message}`)
    const problem = echoProblem(message)
    if (problem !== undefined) throw new NotApplicable(problem)
  }

  /**
   * `count` parsed tools/call sent at once; checks that each gets exactly one correct
   * answer and that nothing else is written (so counting newlines is sound later).
   */
  async checkedBurst(count: number): Promise<void> {
    this.stray.length = 0
    const answers = Array.from({ length: count }, () => this.request("tools/call", toolCallParams("legacy"), 60_000))
    const messages = await Promise.all(answers)
    const bad = messages.map((m) => (m.error !== undefined ? "JSON-RPC error" : echoProblem(m))).find((p) => p !== undefined)
    if (bad !== undefined) throw new NotApplicable(`burst: ${bad}`)
    if (this.stray.length > 0) throw new NotApplicable(`writes lines besides responses: ${this.stray[0].slice(0, 120)}`)
  }

  /** Pipelines `count` tools/call and returns the milliseconds until the last answer. */
  async pipelined(count: number, timeoutMs: number): Promise<number> {
    const first = this.nextId
    this.nextId += count
    const lines: Array<string> = new Array(count)
    for (let i = 0; i < count; i++) {
      lines[i] = `{"jsonrpc":"2.0","id":${first + i},"method":"tools/call","params":{"name":"echo","arguments":{"text":${JSON.stringify(ECHO_TEXT)}}}}\n`
    }
    const payload = lines.join("")
    let lastLine = ""
    const done = new Promise<void>((resolve) => {
      this.counting = {
        remaining: count,
        lastLine: "",
        done: () => {
          lastLine = this.counting?.lastLine ?? ""
          this.counting = undefined
          resolve()
        }
      }
    })
    const start = performance.now()
    this.write(payload)
    await this.exitGuard(done, timeoutMs, `${count} pipelined tools/call`).catch((error: unknown) => {
      this.counting = undefined
      throw error
    })
    const elapsed = performance.now() - start
    let message: JsonRpcMessage
    try {
      message = JSON.parse(lastLine) as JsonRpcMessage
    } catch {
      throw new NotApplicable(`last line is not JSON: ${lastLine.slice(0, 120)}`)
    }
    const problem = message.error !== undefined ? `JSON-RPC error ${message.error.code}` : echoProblem(message)
    if (problem !== undefined) throw new NotApplicable(`pipelined answer: ${problem}`)
    return elapsed
  }
}

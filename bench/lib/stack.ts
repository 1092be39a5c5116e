/**
 * Scenario 7's server from the harness' side (peers/ours-stack.ts): its counters, and the
 * smoke check of the full stack. Node built-ins and bench/lib only (jose is imported lazily by
 * auth.ts).
 */
import { makeCredentials } from "./auth.ts"
import { type Contender, STACK_VARIANTS, stackEnv, stackResource } from "./contenders.ts"
import { NotApplicable, type Dialect, responseTo, send, toolCallRequest, verifyToolCall, withHeaders } from "./mcp.ts"
import { type Launch, failureReason, getFreePort, spawnContender, waitForPort } from "./process.ts"
import { sleep } from "./stats.ts"

/** Scenario 7's target: the full production stack keeps at least this share of the bare server's throughput. */
export const STACK_TARGET = 0.8

export interface StackStats {
  /** Spans the no-op exporter received (null without tracing). */
  readonly spans: number | null
  /** tools/call requests in the Prometheus scrape (null without metrics). */
  readonly toolCalls: number | null
}

/** GET /bench/stats of a running ours-stack. */
export const stackStats = async (port: number, timeoutMs = 10_000): Promise<StackStats> => {
  const response = await fetch(`http://127.0.0.1:${port}/bench/stats`, { signal: AbortSignal.timeout(timeoutMs) })
  if (response.status !== 200) throw new NotApplicable(`/bench/stats: HTTP ${response.status}`)
  return (await response.json()) as StackStats
}

/**
 * The smoke check of the full stack: one process, `STACK=metrics,tracing,ratelimit,auth`, a
 * limit of 2 calls a minute and spans exported as they end. A request without the token is
 * refused (401); the authenticated tools/call is verified; a second passes and a third is
 * rate limited (-32000); the metrics counted the calls and the exporter got spans.
 */
export const smokeStack = async (stack: Contender, launch: Launch, dialect: Dialect, timeoutMs: number): Promise<void> => {
  const full = STACK_VARIANTS.find((v) => v.id === "full")!
  const port = await getFreePort()
  const credentials = await makeCredentials(stackResource(port))
  const running = spawnContender(stack, {
    launch,
    transport: "http",
    env: { ...stackEnv(full, port), ...credentials.env, BENCH_RATE_LIMIT: "2", BENCH_SPAN_PROCESSOR: "simple" },
    port
  })
  const headers = { authorization: `Bearer ${credentials.token}` }
  try {
    await waitForPort(running, timeoutMs)
    const refused = await send(port, toolCallRequest(dialect, 1), timeoutMs)
    if (refused.status !== 401) throw new NotApplicable(`without a token: HTTP ${refused.status}, expected 401`)
    await verifyToolCall(port, dialect, undefined, timeoutMs, headers)
    await verifyToolCall(port, dialect, undefined, timeoutMs, headers)
    const third = await send(port, withHeaders(toolCallRequest(dialect, 3), headers), timeoutMs)
    let limited = false
    try {
      responseTo(third, 3)
    } catch (error) {
      // legacy requests: 200 with JSON-RPC error -32000; 2026-07-28 requests: HTTP 429
      limited = error instanceof NotApplicable && (error.reason.includes("-32000") || third.status === 429)
    }
    if (!limited) throw new NotApplicable(`rate limit not applied: third call answered HTTP ${third.status} ${third.text.slice(0, 120)}`)
    const stats = await stackStats(port, timeoutMs)
    if (stats.toolCalls === null || stats.toolCalls < 3) throw new NotApplicable(`metrics counted ${stats.toolCalls} tools/call, expected 3`)
    if (stats.spans === null || stats.spans < 3) throw new NotApplicable(`tracing exported ${stats.spans} spans, expected at least 3`)
  } catch (error) {
    // A server that died says why on stderr.
    await sleep(100)
    if (running.exitInfo() === undefined) throw error
    const reason = error instanceof NotApplicable ? error.reason : error instanceof Error ? error.message : String(error)
    throw new NotApplicable(failureReason(running, reason))
  } finally {
    await running.stop()
  }
}

/** HTTP load with autocannon's programmatic API. */
import autocannon from "autocannon"
import type { HttpRequestSpec } from "./mcp.ts"

export interface LoadSample {
  /** Successful (2xx) responses per second. */
  readonly rps: number
  /** Successful (2xx) responses. */
  readonly ok: number
  /** Latency percentiles, milliseconds. */
  readonly p50: number
  readonly p99: number
  readonly responses: number
  readonly errors: number
  readonly non2xx: number
  readonly seconds: number
}

export interface LoadOptions {
  readonly connections: number
  readonly seconds: number
  /** Replace "[<id>]" in bodies with a fresh id per request (needed when requests share a session). */
  readonly uniqueIds?: boolean
}

/**
 * Runs `requests` (cycled in order on every connection) against 127.0.0.1:port.
 * A list of several requests is how a paginated tools/list is walked end to end.
 */
export const httpLoad = async (
  port: number,
  requests: ReadonlyArray<HttpRequestSpec>,
  options: LoadOptions
): Promise<LoadSample> => {
  const first = requests[0]
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${first.path}`,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    method: first.method,
    headers: { ...first.headers },
    body: first.body,
    idReplacement: options.uniqueIds === true,
    ...(requests.length > 1
      ? { requests: requests.map((r) => ({ method: r.method, path: r.path, headers: { ...r.headers }, body: r.body })) }
      : {})
  })
  const ok = result["2xx"]
  return {
    rps: ok / result.duration,
    ok,
    p50: result.latency.p50,
    p99: result.latency.p99,
    responses: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    seconds: result.duration
  }
}

/** Why a sample cannot count, if it cannot: errors, timeouts or non-2xx above 1%. */
export const sampleProblem = (sample: LoadSample): string | undefined => {
  const bad = sample.errors + sample.non2xx
  const total = Math.max(1, sample.responses + sample.errors)
  if (sample.responses === 0) return "no response under load"
  if (bad / total > 0.01) return `${bad} errors or non-2xx of ${total} under load`
  return undefined
}

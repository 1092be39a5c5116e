// Property-based fuzzing of the codec and the engine behind the Streamable HTTP endpoint, over
// every revision and both eras: arbitrary and mutated JSON-RPC messages (wrong types, missing
// and extra fields, huge and deep values, broken text, odd ids, batches), with arbitrary
// headers. Whatever comes in, the endpoint answers once, with a status from the spec's set and
// well-formed JSON-RPC; no defect is logged; the server keeps answering.
//
// `npm test` runs a seeded sample (FUZZ_RUNS, default 300, seed FUZZ_SEED, default 20261204);
// `npm run fuzz` runs 100,000 cases with a random seed and prints the count and the seed.
// Every failing input found is kept in regressions.json and replayed first.
import { FastCheck as fc } from "effect"
import * as fs from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Answer, makeTarget, type Target } from "./harness.js"

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const SEED = process.env.FUZZ_SEED === "random" ? Date.now() % 2_147_483_647 : Number(process.env.FUZZ_SEED ?? 20261204)
const MODERN = "2026-07-28"
const REVISIONS = [MODERN, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
const METHODS = [
  "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/read", "resources/templates/list",
  "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete",
  "logging/setLevel", "server/discover", "subscriptions/listen", "tasks/get", "tasks/result", "tasks/cancel",
  "tasks/list", "notifications/initialized", "notifications/cancelled", "notifications/progress",
  "notifications/roots/list_changed"
]
const STATUSES = new Set([200, 202, 400, 401, 403, 404, 405, 406, 409, 413, 415, 429, 503])

interface Regression {
  readonly why: string
  readonly headers: Record<string, string>
  readonly body: string
}
const regressionsFile = new URL("./regressions.json", import.meta.url)
const regressions: ReadonlyArray<Regression> = JSON.parse(fs.readFileSync(regressionsFile, "utf8"))

// --- arbitraries ------------------------------------------------------------------------------

const weird = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.fullUnicodeString({ maxLength: 20 }),
  fc.constant("\uD800"), // a lone surrogate: what invalid UTF-8 decodes near
  fc.constant("\uFFFD\uFFFD"),
  fc.constant("x".repeat(5_000)),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
)

const anyValue = fc.oneof({ weight: 3, arbitrary: weird }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) })

// Absent three times out of four.
const maybe = <A>(arb: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb })

const envelope = fc.record({
  "io.modelcontextprotocol/protocolVersion": fc.oneof(fc.constantFrom(...REVISIONS), anyValue),
  "io.modelcontextprotocol/clientInfo": fc.oneof(fc.constant({ name: "fuzz", version: "1" }), anyValue),
  "io.modelcontextprotocol/clientCapabilities": fc.oneof(
    fc.constant({}),
    fc.constant({ elicitation: { form: {} }, sampling: {}, extensions: { "io.modelcontextprotocol/tasks": {} } }),
    anyValue
  ),
  progressToken: anyValue
}, { requiredKeys: [] })

const toolArguments = fc.oneof(
  fc.record({ text: anyValue }, { requiredKeys: [] }),
  fc.record({ a: anyValue, b: anyValue }, { requiredKeys: [] }),
  anyValue
)

const params = fc.oneof(
  fc.constant(undefined),
  anyValue,
  fc.record({
    name: fc.oneof(fc.constantFrom("echo", "add", "fail", "progress", "review", "missing"), anyValue),
    arguments: toolArguments,
    uri: fc.oneof(fc.constantFrom("demo://readme", "demo://colors/red", "demo://nope", "demo://colors/%ZZ"), anyValue),
    cursor: anyValue,
    level: fc.oneof(fc.constantFrom("debug", "info", "error"), anyValue),
    protocolVersion: fc.oneof(fc.constantFrom(...REVISIONS), anyValue),
    capabilities: anyValue,
    clientInfo: fc.oneof(fc.constant({ name: "fuzz", version: "1" }), anyValue),
    requestId: anyValue,
    taskId: anyValue,
    ref: fc.oneof(fc.constant({ type: "ref/prompt", name: "review" }), anyValue),
    argument: fc.oneof(fc.constant({ name: "code", value: "x" }), anyValue),
    notifications: anyValue,
    inputResponses: anyValue,
    requestState: anyValue,
    _meta: fc.oneof(envelope, anyValue)
  }, { requiredKeys: [] })
)

// Mostly right: a valid envelope whose params are mutated; the hostile generator is below.
const plausible = fc.record({
  jsonrpc: fc.constant("2.0"),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 12 })),
  method: fc.constantFrom(...METHODS),
  params: fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: params.filter((p) => typeof p === "object" && p !== null && !Array.isArray(p)) }
  )
}, { requiredKeys: ["jsonrpc", "id", "method"] })

const hostile = fc.record({
  jsonrpc: fc.oneof({ weight: 8, arbitrary: fc.constant("2.0") }, { weight: 1, arbitrary: anyValue }),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), anyValue),
  method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: anyValue }),
  params,
  result: anyValue,
  error: anyValue
}, { requiredKeys: [] })

const message = fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: hostile })

const deep = (depth: number) => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":${"[".repeat(depth)}${"]".repeat(depth)}}}}`

const body = fc.oneof(
  { weight: 16, arbitrary: message.map((m) => JSON.stringify(m)) },
  { weight: 2, arbitrary: fc.array(message, { minLength: 0, maxLength: 6 }).map((ms) => JSON.stringify(ms)) },
  // Broken text: truncated, spliced, or not JSON at all.
  { weight: 2, arbitrary: fc.tuple(message, fc.nat()).map(([m, cut]) => { const t = JSON.stringify(m); return t.slice(0, cut % (t.length + 1)) }) },
  { weight: 1, arbitrary: fc.fullUnicodeString({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map(deep) },
  { weight: 1, arbitrary: fc.tuple(message, fc.constantFrom("\uD800", "\uFFFD", "\u0000", "\\u0000", "\\ud800")).map(([m, bad]) => JSON.stringify(m).replace(/"(\w)/, `"${bad}$1`)) }
)

const headers = (sessionId: string) =>
  fc.record({
    "content-type": fc.oneof({ weight: 9, arbitrary: fc.constant("application/json") }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }),
    accept: fc.oneof({ weight: 9, arbitrary: fc.constant("application/json, text/event-stream") }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }),
    "mcp-protocol-version": fc.oneof(
      { weight: 4, arbitrary: fc.constant("2025-06-18") },
      { weight: 2, arbitrary: fc.constantFrom(...REVISIONS) },
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }
    ),
    "mcp-session-id": fc.oneof(
      { weight: 7, arbitrary: fc.constant(sessionId) },
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }
    ),
    "mcp-method": maybe(fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 }))),
    "mcp-name": maybe(fc.oneof(fc.constantFrom("echo", "add", "review"), fc.string({ maxLength: 20 }))),
    host: fc.oneof({ weight: 19, arbitrary: fc.constant("127.0.0.1:3000") }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
    origin: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
    traceparent: maybe(fc.oneof(fc.constant("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), fc.string({ maxLength: 60 })))
  }).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>)

// --- the property -------------------------------------------------------------------------------

const wellFormed = (text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return `not JSON: ${text.slice(0, 200)}`
  }
  const items = Array.isArray(json) ? json : [json]
  if (Array.isArray(json) && json.length === 0) return "an empty batch answer"
  for (const item of items) {
    if (typeof item !== "object" || item === null) return `not an object: ${text.slice(0, 200)}`
    const m = item as Record<string, unknown>
    if (m.jsonrpc !== "2.0") return `jsonrpc is not "2.0": ${text.slice(0, 200)}`
    if (typeof m.method === "string") continue // a notification or request the server sent on a stream
    const hasResult = "result" in m
    const hasError = "error" in m
    if (hasResult === hasError) return `neither or both of result and error: ${text.slice(0, 200)}`
    if (hasError) {
      const e = m.error as Record<string, unknown>
      if (!Number.isInteger(e?.code) || typeof e?.message !== "string") return `malformed error: ${text.slice(0, 200)}`
      if (e.code === -32603) return `an internal error (a bug) for a client's input: ${text.slice(0, 300)}`
    }
  }
  return undefined
}

const withTimeout = (answer: Promise<Answer>, ms: number) =>
  Promise.race([answer, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref())])

let target: Target
let sessionId: string
// What the cases reached, so a generator that only ever hits one early rejection shows.
const reached = { statuses: new Map<number, number>(), results: 0, errors: new Map<number, number>() }

const check = async (h: Record<string, string>, b: string): Promise<string | undefined> => {
  const before = target.defects.length
  const answer = await withTimeout(target.send({ headers: h, body: b }), 5_000)
  if (answer === "timeout") return "no answer within 5 s"
  if (!STATUSES.has(answer.status)) return `status ${answer.status}`
  reached.statuses.set(answer.status, (reached.statuses.get(answer.status) ?? 0) + 1)
  for (const text of answer.bodies) {
    const problem = wellFormed(text)
    if (problem !== undefined) return problem
    for (const item of [JSON.parse(text)].flat() as Array<Record<string, any>>) {
      if ("result" in item) reached.results++
      else if (item.error !== undefined) reached.errors.set(item.error.code, (reached.errors.get(item.error.code) ?? 0) + 1)
    }
  }
  if (target.defects.length > before) return `a defect was logged: ${target.defects.slice(before).join(" | ").slice(0, 300)}`
  return undefined
}

const ping = async () => {
  const answer = await target.send({
    headers: { host: "127.0.0.1:3000", "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: "alive", method: "ping" })
  })
  if (answer.status === 200 && JSON.parse(answer.bodies[0]!).result !== undefined) return true
  console.error(`ping: ${answer.status} ${answer.bodies.join(" | ")}`)
  return false
}

beforeAll(async () => {
  target = await makeTarget()
  const init = await target.send({
    headers: { host: "127.0.0.1:3000", "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "fuzz", version: "1" } } })
  })
  sessionId = init.headers["mcp-session-id"]!
  await target.send({
    headers: { host: "127.0.0.1:3000", "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })
  })
})

afterAll(async () => {
  await target?.dispose()
})

describe("fuzzing the Streamable HTTP endpoint and the engine", () => {
  it.each(regressions.map((r) => [r.why, r] as const))("regression: %s", async (_, r) => {
    expect(await check({ ...r.headers, ...(r.headers["mcp-session-id"] === "$session" ? { "mcp-session-id": sessionId } : {}) }, r.body)).toBeUndefined()
  })

  it(`${RUNS} generated messages: one well-formed answer each, no defect, still serving`, async () => {
    let ran = 0
    await fc.assert(
      fc.asyncProperty(headers("$session"), body, async (h, b) => {
        ran++
        if (h["mcp-session-id"] === "$session") h["mcp-session-id"] = sessionId
        const problem = await check(h, b)
        if (problem !== undefined) throw new Error(problem)
        if (ran % 1_000 === 0 && !(await ping())) throw new Error("the server stopped answering")
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true }
    )
    expect(await ping()).toBe(true)
    console.log(`fuzz: ${ran} cases passed (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries(reached.statuses))}, ` +
      `${reached.results} results, error codes ${JSON.stringify(Object.fromEntries(reached.errors))}`)
    // The generators reach the handlers, not only the envelope checks.
    expect(reached.results).toBeGreaterThan(RUNS / 50)
    expect(reached.errors.get(-32602) ?? 0).toBeGreaterThan(0)
  }, Math.max(60_000, RUNS * 20))
})

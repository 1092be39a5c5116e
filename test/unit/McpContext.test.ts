import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import type { RequestMeta, Version } from "turbomcp-server"
import { McpContext, McpError, McpSchema } from "turbomcp-server"

type Outbound = Parameters<typeof McpContext.make>[0]["outbound"]

interface Recorded {
  readonly kind: "notify" | "request"
  readonly method: string
  readonly params: any
}

/** An Outbound that records everything and answers requests with `answer`. */
const recording = (answer: (method: string, params: any) => Effect.Effect<unknown> = () => Effect.succeed({})) => {
  const log: Array<Recorded> = []
  const outbound: Outbound = {
    notify: (method, params) => Effect.sync(() => void log.push({ kind: "notify", method, params })),
    request: (method, params) =>
      Effect.suspend(() => {
        log.push({ kind: "request", method, params })
        return answer(method, params)
      }),
    closeStream: Effect.void
  }
  return { log, outbound }
}

const meta = (overrides: Partial<RequestMeta.RequestMeta> = {}): RequestMeta.RequestMeta => ({
  protocolVersion: "2025-11-25",
  clientCapabilities: {},
  clientInfo: { name: "c", version: "1" },
  logLevel: undefined,
  progressToken: undefined,
  traceparent: undefined,
  tracestate: undefined,
  principal: undefined,
  sessionId: "s",
  ...overrides
})

const context = (m: RequestMeta.RequestMeta, outbound: Outbound) =>
  McpContext.make({ requestId: 1, method: "tools/call", params: undefined, meta: m, outbound })

const ALL_LEVELS = McpSchema.LoggingLevel.literals

const logEverything = (ctx: McpContext.McpContext["Type"]) =>
  Effect.forEach(ALL_LEVELS, (level) => ctx.log(level, `at ${level}`), { discard: true })

describe("McpContext", () => {
  describe("progress", () => {
    it.effect("sends notifications/progress with the request's token", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        const ctx = context(meta({ progressToken: "tok" }), outbound)
        yield* ctx.progress(1, { total: 3, message: "one" })
        yield* ctx.progress(2)
        assert.deepStrictEqual(log, [
          { kind: "notify", method: "notifications/progress", params: { progressToken: "tok", progress: 1, total: 3, message: "one" } },
          { kind: "notify", method: "notifications/progress", params: { progressToken: "tok", progress: 2 } }
        ])
      }))

    it.effect("numeric tokens are kept as numbers", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        yield* context(meta({ progressToken: 7 }), outbound).progress(0.5)
        assert.strictEqual(log[0]!.params.progressToken, 7)
      }))

    it.effect("is a no-op without a progress token", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        yield* context(meta(), outbound).progress(1, { total: 2 })
        assert.deepStrictEqual(log, [])
      }))
  })

  describe("logging levels", () => {
    const sentLevels = (log: ReadonlyArray<Recorded>) =>
      log.filter((r) => r.method === "notifications/message").map((r) => r.params.level)

    it.effect("a legacy session that set no level gets every level", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        yield* logEverything(context(meta(), outbound))
        assert.deepStrictEqual(sentLevels(log), [...ALL_LEVELS])
      }))

    it.effect.each([
      ["debug", ALL_LEVELS],
      ["info", ALL_LEVELS.slice(1)],
      ["notice", ["notice", "warning", "error", "critical", "alert", "emergency"]],
      ["warning", ["warning", "error", "critical", "alert", "emergency"]],
      ["error", ["error", "critical", "alert", "emergency"]],
      ["critical", ["critical", "alert", "emergency"]],
      ["alert", ["alert", "emergency"]],
      ["emergency", ["emergency"]]
    ] as const)("level %s sends that level and more severe ones", ([level, expected]) =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        yield* logEverything(context(meta({ logLevel: level }), outbound))
        assert.deepStrictEqual(sentLevels(log), [...expected])
      }))

    it.effect("a modern request that asked for no level gets no logs", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        yield* logEverything(context(meta({ protocolVersion: "2026-07-28", sessionId: undefined }), outbound))
        assert.deepStrictEqual(log, [])
      }))

    it.effect("shortcuts and the logger name", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        const ctx = context(meta({ logLevel: "debug" }), outbound)
        yield* ctx.log.debug("d")
        yield* ctx.log.info({ structured: true })
        yield* ctx.log.notice("n")
        yield* ctx.log.warning("w")
        yield* ctx.log.error("e")
        yield* ctx.log("critical", "c", "db")
        assert.deepStrictEqual(log.map((r) => r.params), [
          { level: "debug", data: "d" },
          { level: "info", data: { structured: true } },
          { level: "notice", data: "n" },
          { level: "warning", data: "w" },
          { level: "error", data: "e" },
          { level: "critical", logger: "db", data: "c" }
        ])
      }))
  })

  describe("server-to-client requests", () => {
    const Answer = Schema.Struct({ name: Schema.String, age: Schema.optional(Schema.Number) })
    const elicitCaps = { elicitation: {} }

    it.effect("elicit sends a form request with a flat JSON Schema and decodes the answer", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording(() => Effect.succeed({ action: "accept", content: { name: "Ada", age: 36 } }))
        const ctx = context(meta({ clientCapabilities: elicitCaps }), outbound)
        const result = yield* ctx.elicit("Who are you?", Answer)
        assert.deepStrictEqual(result, { action: "accept", content: { name: "Ada", age: 36 } })
        assert.strictEqual(log.length, 1)
        assert.strictEqual(log[0]!.method, "elicitation/create")
        const params = log[0]!.params
        assert.strictEqual(params.mode, "form")
        assert.strictEqual(params.message, "Who are you?")
        assert.strictEqual(params.requestedSchema.type, "object")
        assert.deepStrictEqual(params.requestedSchema.required, ["name"])
        assert.deepStrictEqual(Object.keys(params.requestedSchema.properties).sort(), ["age", "name"])
        assert.isUndefined(params.requestedSchema.$schema)
      }))

    it.effect("2025-06-18 elicitation has no mode field (form mode arrived in 2025-11-25)", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording(() => Effect.succeed({ action: "decline" }))
        const ctx = context(meta({ protocolVersion: "2025-06-18", clientCapabilities: elicitCaps }), outbound)
        assert.deepStrictEqual(yield* ctx.elicit("?", Answer), { action: "decline" })
        assert.isUndefined(log[0]!.params.mode)
      }))

    it.effect("decline and cancel carry no content", () =>
      Effect.gen(function*() {
        for (const action of ["decline", "cancel"] as const) {
          const { outbound } = recording(() => Effect.succeed({ action, content: { name: "ignored" } }))
          assert.deepStrictEqual(yield* context(meta({ clientCapabilities: elicitCaps }), outbound).elicit("?", Answer), { action })
        }
      }))

    it.effect("an accepted answer that does not match the Schema fails with InvalidParams", () =>
      Effect.gen(function*() {
        const { outbound } = recording(() => Effect.succeed({ action: "accept", content: { name: 42 } }))
        const error = yield* Effect.flip(context(meta({ clientCapabilities: elicitCaps }), outbound).elicit("?", Answer))
        assert.strictEqual(error._tag, "InvalidParams")
      }))

    it.effect("a malformed elicitation result fails with InvalidParams", () =>
      Effect.gen(function*() {
        const { outbound } = recording(() => Effect.succeed({ action: "maybe" }))
        const error = yield* Effect.flip(context(meta({ clientCapabilities: elicitCaps }), outbound).elicit("?", Answer))
        assert.strictEqual(error._tag, "InvalidParams")
      }))

    it.effect("without the client capability nothing is sent and the call fails clearly", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording()
        const ctx = context(meta(), outbound)
        const elicit = yield* Effect.flip(ctx.elicit("?", Answer))
        const sample = yield* Effect.flip(ctx.sample({ messages: [], maxTokens: 1 }))
        const roots = yield* Effect.flip(ctx.listRoots)
        const url = yield* Effect.flip(ctx.elicitUrl({ message: "m", url: "https://x", elicitationId: "e" }))
        for (const [error, capability] of [[elicit, "elicitation"], [sample, "sampling"], [roots, "roots"], [url, "elicitation.url"]] as const) {
          assert.strictEqual(error._tag, "MissingClientCapability")
          assert.include(error.message, capability)
        }
        assert.deepStrictEqual(log, [], "no request may reach a client that cannot answer it")
      }))

    it.effect("URL elicitation needs elicitation.url, not just elicitation", () =>
      Effect.gen(function*() {
        const { outbound } = recording()
        const error = yield* Effect.flip(
          context(meta({ clientCapabilities: elicitCaps }), outbound).elicitUrl({ message: "m", url: "https://x", elicitationId: "e" })
        )
        assert.strictEqual(error._tag, "MissingClientCapability")
      }))

    it.effect("URL elicitation sends mode url with the id", () =>
      Effect.gen(function*() {
        const { log, outbound } = recording(() => Effect.succeed({ action: "accept" }))
        const ctx = context(meta({ clientCapabilities: { elicitation: { url: {} } } }), outbound)
        const result = yield* ctx.elicitUrl({ message: "Log in", url: "https://example.com/login", elicitationId: "e-1" })
        assert.strictEqual(result.action, "accept")
        assert.deepStrictEqual(log[0]!.params, { mode: "url", message: "Log in", url: "https://example.com/login", elicitationId: "e-1" })
      }))

    it.effect("sample sends sampling/createMessage and decodes the result", () =>
      Effect.gen(function*() {
        const answer = { role: "assistant" as const, content: { type: "text", text: "hi" }, model: "m-1", stopReason: "endTurn" }
        const { log, outbound } = recording(() => Effect.succeed(answer))
        const ctx = context(meta({ clientCapabilities: { sampling: {} } }), outbound)
        const params = { messages: [{ role: "user" as const, content: { type: "text" as const, text: "hello" } }], maxTokens: 5 }
        assert.deepStrictEqual(yield* ctx.sample(params), answer)
        assert.deepStrictEqual(log, [{ kind: "request", method: "sampling/createMessage", params }])
      }))

    it.effect("a sampling result without a model is malformed", () =>
      Effect.gen(function*() {
        const { outbound } = recording(() => Effect.succeed({ role: "assistant", content: {} }))
        const error = yield* Effect.flip(context(meta({ clientCapabilities: { sampling: {} } }), outbound).sample({ messages: [], maxTokens: 1 }))
        assert.strictEqual(error._tag, "InvalidParams")
      }))

    it.effect("listRoots sends roots/list and returns the roots", () =>
      Effect.gen(function*() {
        const roots = [{ uri: "file:///a", name: "a" }, { uri: "file:///b" }]
        const { log, outbound } = recording(() => Effect.succeed({ roots }))
        const ctx = context(meta({ clientCapabilities: { roots: { listChanged: true } } }), outbound)
        assert.deepStrictEqual(yield* ctx.listRoots, roots)
        assert.strictEqual(log[0]!.method, "roots/list")
      }))

    it.effect("a client error answer propagates as ClientError", () =>
      Effect.gen(function*() {
        const outbound: Outbound = {
          notify: () => Effect.void,
          request: (method) => Effect.fail(new McpError.ClientError({ method, code: -1, message: "User rejected" })),
          closeStream: Effect.void
        }
        const error = yield* Effect.flip(context(meta({ clientCapabilities: { sampling: {} } }), outbound).sample({ messages: [], maxTokens: 1 }))
        assert.strictEqual(error._tag, "ClientError")
      }))
  })

  it("exposes the request's identity and metadata", () => {
    const { outbound } = recording()
    const principal = { subject: "alice", scopes: ["read"], claims: {} }
    const m = meta({ principal, protocolVersion: "2025-03-26" as Version.ProtocolVersion })
    const ctx = McpContext.make({ requestId: "r-9", method: "tools/call", params: { name: "x" }, meta: m, outbound })
    assert.strictEqual(ctx.requestId, "r-9")
    assert.strictEqual(ctx.method, "tools/call")
    assert.deepStrictEqual(ctx.params, { name: "x" })
    assert.strictEqual(ctx.principal, principal)
    assert.strictEqual(ctx.meta.protocolVersion, "2025-03-26")
  })
})

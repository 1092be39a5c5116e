import { assert, describe, it } from "@effect/vitest"
import { McpError, Version } from "turbomcp-server"

describe("Version", () => {
  it("speaks the four legacy revisions and the modern one", () => {
    assert.deepStrictEqual([...Version.legacy], ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
    assert.strictEqual(Version.latestLegacy, "2025-11-25")
    assert.strictEqual(Version.modern, "2026-07-28")
    assert.deepStrictEqual([...Version.supported], ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
  })

  it.each(["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])("initialize answers a supported %s with itself", (v) => {
    assert.strictEqual(Version.negotiate(v), v)
  })

  it.each([
    ["an unknown date", "1999-01-01"],
    ["a future date", "2099-12-31"],
    ["the modern revision (never negotiated by initialize)", "2026-07-28"],
    ["an older draft", "2024-10-07"],
    ["a number", 20250618],
    ["nothing", undefined],
    ["an empty string", ""]
  ])("initialize answers %s with the latest legacy revision", (_name, requested) => {
    assert.strictEqual(Version.negotiate(requested), "2025-11-25")
  })

  it("guards", () => {
    assert.isTrue(Version.isSupported("2026-07-28"))
    assert.isFalse(Version.isSupported("2024-10-07"))
    assert.isFalse(Version.isSupported(null))
    assert.isTrue(Version.isLegacy("2024-11-05"))
    assert.isFalse(Version.isLegacy("2026-07-28"))
  })

  it("feature gates follow the revision that introduced each feature", () => {
    const table = Version.supported.map((v) => ({
      v,
      batch: Version.allowsBatch(v),
      annotations: Version.hasToolAnnotations(v),
      audio: Version.hasAudio(v),
      structured: Version.hasStructuredOutput(v),
      icons: Version.hasIcons(v),
      modern: Version.isModern(v)
    }))
    assert.deepStrictEqual(table, [
      { v: "2026-07-28", batch: false, annotations: true, audio: true, structured: true, icons: true, modern: true },
      { v: "2025-11-25", batch: false, annotations: true, audio: true, structured: true, icons: true, modern: false },
      { v: "2025-06-18", batch: false, annotations: true, audio: true, structured: true, icons: false, modern: false },
      { v: "2025-03-26", batch: true, annotations: true, audio: true, structured: false, icons: false, modern: false },
      { v: "2024-11-05", batch: false, annotations: false, audio: false, structured: false, icons: false, modern: false }
    ])
  })
})

describe("Version.features", () => {
  const legacyBase = {
    elicitationModes: false,
    ssePolling: false,
    stateless: false,
    logLevel: "session",
    cacheHints: false,
    tasks: false,
    resourceNotFoundCode: -32002,
    missingCapabilityCode: -32600
  } as const

  it.each<[Version.ProtocolVersion, Version.Features]>([
    ["2024-11-05", {
      ...legacyBase,
      batches: false,
      toolAnnotations: false,
      audio: false,
      completions: false,
      titles: false,
      structuredOutput: false,
      resourceLinks: false,
      icons: false,
      argumentErrors: "protocol-error"
    }],
    ["2025-03-26", {
      ...legacyBase,
      batches: true,
      toolAnnotations: true,
      audio: true,
      completions: true,
      titles: false,
      structuredOutput: false,
      resourceLinks: false,
      icons: false,
      argumentErrors: "protocol-error"
    }],
    ["2025-06-18", {
      ...legacyBase,
      batches: false,
      toolAnnotations: true,
      audio: true,
      completions: true,
      titles: true,
      structuredOutput: true,
      resourceLinks: true,
      icons: false,
      argumentErrors: "protocol-error"
    }],
    ["2025-11-25", {
      ...legacyBase,
      batches: false,
      toolAnnotations: true,
      audio: true,
      completions: true,
      titles: true,
      structuredOutput: true,
      resourceLinks: true,
      icons: true,
      argumentErrors: "tool-result",
      elicitationModes: true,
      ssePolling: true
    }],
    ["2026-07-28", {
      batches: false,
      toolAnnotations: true,
      audio: true,
      completions: true,
      titles: true,
      structuredOutput: true,
      resourceLinks: true,
      icons: true,
      argumentErrors: "tool-result",
      elicitationModes: true,
      ssePolling: true,
      stateless: true,
      logLevel: "request",
      cacheHints: true,
      tasks: true,
      resourceNotFoundCode: -32602,
      missingCapabilityCode: -32021
    }]
  ])("%s", (v, expected) => {
    assert.deepStrictEqual(Version.featuresOf(v), expected)
    assert.strictEqual(Version.featuresOf(v), Version.features[v])
  })

  it("featuresOf covers every supported revision, and nothing else", () => {
    assert.deepStrictEqual(Object.keys(Version.features).sort(), [...Version.supported].sort())
    for (const v of Version.supported) {
      const f = Version.featuresOf(v)
      assert.isDefined(f, v)
      // Every revision's record has the same fields: none is left to `undefined`.
      assert.deepStrictEqual(Object.keys(f).sort(), Object.keys(Version.featuresOf(Version.modern)).sort(), v)
    }
  })

  it("only the stateless revisions are modern; they are what a modern request may name", () => {
    assert.deepStrictEqual(Version.supported.filter((v) => Version.featuresOf(v).stateless), [Version.modern])
    assert.deepStrictEqual(Version.legacy.filter((v) => Version.featuresOf(v).stateless), [])
  })

  it("the deprecated gates read the table", () => {
    for (const v of Version.supported) {
      const f = Version.featuresOf(v)
      assert.strictEqual(Version.allowsBatch(v), f.batches, v)
      assert.strictEqual(Version.hasStructuredOutput(v), f.structuredOutput, v)
      assert.strictEqual(Version.hasIcons(v), f.icons, v)
      assert.strictEqual(Version.hasToolAnnotations(v), f.toolAnnotations, v)
      assert.strictEqual(Version.hasAudio(v), f.audio, v)
      assert.strictEqual(Version.isModern(v), f.stateless, v)
      assert.strictEqual(Version.hasSsePolling(v), f.ssePolling, v)
    }
  })

  it("one message for an unsupported revision, listing every supported one", () => {
    const all = "(supported: 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)"
    assert.strictEqual(Version.unsupportedMessage("1999-01-01"), `Unsupported protocol version: 1999-01-01 ${all}`)
    assert.strictEqual(new McpError.UnsupportedProtocolVersion({ requested: "1999-01-01" }).message, `Unsupported protocol version: 1999-01-01 ${all}`)
    // A client controls the value: it is cut, and a non-string is previewed.
    assert.strictEqual(Version.unsupportedMessage("x".repeat(100)), `Unsupported protocol version: ${"x".repeat(64)}… (100 chars) ${all}`)
    assert.strictEqual(Version.unsupportedMessage(20250618), `Unsupported protocol version: 20250618 ${all}`)
    // Only a modern request's `_meta` can name a legacy revision it does not accept.
    assert.strictEqual(
      Version.unsupportedMessage("2025-06-18"),
      "Unsupported protocol version: 2025-06-18 (supported in _meta: 2026-07-28; 2025-06-18 needs the initialize handshake)"
    )
  })
})

describe("McpError.toErrorObject", () => {
  it("maps each failure to its JSON-RPC code on legacy revisions", () => {
    const v = "2025-06-18" as const
    const code = (e: McpError.McpError) => McpError.toErrorObject(e, v).code
    assert.strictEqual(code(new McpError.MethodNotFound({ method: "x" })), -32601)
    assert.strictEqual(code(new McpError.InvalidParams({ message: "bad" })), -32602)
    assert.strictEqual(code(new McpError.ToolNotFound({ name: "t" })), -32602)
    assert.strictEqual(code(new McpError.PromptNotFound({ name: "p" })), -32602)
    assert.strictEqual(code(new McpError.InvalidRequest({ message: "bad" })), -32600)
    assert.strictEqual(code(new McpError.NotInitialized({ method: "tools/list" })), -32600)
    assert.strictEqual(code(new McpError.InternalError({ message: "x" })), -32603)
    assert.deepStrictEqual(McpError.toErrorObject(new McpError.ResourceNotFound({ uri: "a://b" }), v), {
      code: -32002,
      message: "Resource not found: a://b",
      data: { uri: "a://b" }
    })
  })

  it("an unsupported revision is -32022 with the unified message", () => {
    assert.deepStrictEqual(McpError.toErrorObject(new McpError.UnsupportedProtocolVersion({ requested: "1999-01-01" }), "2026-07-28"), {
      code: -32022,
      message: "Unsupported protocol version: 1999-01-01 (supported: 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05)",
      data: { supported: ["2026-07-28"], requested: "1999-01-01" }
    })
  })

  it("the modern revision answers unknown resources with -32602", () => {
    assert.strictEqual(McpError.toErrorObject(new McpError.ResourceNotFound({ uri: "a://b" }), "2026-07-28").code, -32602)
  })

  it("messages are readable", () => {
    assert.strictEqual(new McpError.ToolNotFound({ name: "nope" }).message, "Unknown tool: nope")
    assert.strictEqual(new McpError.MethodNotFound({ method: "x/y" }).message, "Method not found: x/y")
  })
})

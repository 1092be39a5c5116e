/**
 * MCP protocol revisions: which we speak, how `initialize` negotiates one, and the
 * per-revision feature gates the era adapters consult. Handlers never see these.
 *
 * @since 0.1.0
 */
import { preview, truncate } from "./internal/preview.js"

/**
 * An MCP protocol revision this server knows.
 *
 * @since 0.1.0
 * @category models
 */
export type ProtocolVersion = "2024-11-05" | "2025-03-26" | "2025-06-18" | "2025-11-25" | "2026-07-28"

/**
 * Legacy revisions (initialize handshake, sessions), newest first.
 *
 * @since 0.1.0
 * @category constants
 */
export const legacy: ReadonlyArray<ProtocolVersion> = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

/**
 * The stateless revision.
 *
 * @since 0.1.0
 * @category constants
 */
export const modern: ProtocolVersion = "2026-07-28"

/**
 * Newest legacy revision: what `initialize` answers when the client asks for one we lack.
 *
 * @since 0.1.0
 * @category constants
 */
export const latestLegacy: ProtocolVersion = "2025-11-25"

/**
 * Every revision we serve, newest first.
 *
 * @since 0.1.0
 * @category constants
 */
export const supported: ReadonlyArray<ProtocolVersion> = [modern, ...legacy]

/**
 * Whether a value names a revision this server supports.
 *
 * @since 0.1.0
 * @category guards
 */
export const isSupported = (u: unknown): u is ProtocolVersion =>
  typeof u === "string" && (supported as ReadonlyArray<string>).includes(u)

/**
 * Whether a value names a legacy (session-based) revision.
 *
 * @since 0.1.0
 * @category guards
 */
export const isLegacy = (u: unknown): u is ProtocolVersion =>
  typeof u === "string" && (legacy as ReadonlyArray<string>).includes(u)

/**
 * The spec's rule: answer the client's version when we support it, otherwise our latest.
 * `initialize` only ever negotiates a legacy revision; modern clients never send it.
 *
 * @since 0.1.0
 * @category negotiation
 */
export const negotiate = (requested: unknown): ProtocolVersion => isLegacy(requested) ? requested : latestLegacy

/**
 * What a revision changes on the wire, one field per difference the server acts on. Each
 * field is named after what it gates; the revision that introduced it is in its summary.
 * Era adapters read these instead of comparing version strings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Features {
  /** JSON-RPC batches (2025-03-26 only: added there, removed in 2025-06-18). */
  readonly batches: boolean
  /** Tool `annotations` in `tools/list` (2025-03-26). */
  readonly toolAnnotations: boolean
  /** `audio` content in tool results (2025-03-26). */
  readonly audio: boolean
  /** The `completions` server capability (2025-03-26). */
  readonly completions: boolean
  /** `title` on tools, prompts, resources, templates and `serverInfo` (2025-06-18). */
  readonly titles: boolean
  /** Tool `outputSchema` and `structuredContent` in tool results (2025-06-18). */
  readonly structuredOutput: boolean
  /** `resource_link` content in tool results (2025-06-18). */
  readonly resourceLinks: boolean
  /**
   * `icons` on tools, prompts, resources and templates, and the full `serverInfo` (`icons`,
   * `websiteUrl`, `description`), all from 2025-11-25.
   */
  readonly icons: boolean
  /**
   * How a tool answers arguments its input schema rejects: from 2025-11-25 a tool result
   * with `isError` the model can correct (SEP-1303); before, a -32602 protocol error.
   */
  readonly argumentErrors: "tool-result" | "protocol-error"
  /** `elicitation/create` names its `mode` (`"form"` or `"url"`), from 2025-11-25. */
  readonly elicitationModes: boolean
  /**
   * SSE priming events and server-initiated polling (SEP-1699), from 2025-11-25; older
   * clients would try to parse the empty priming event as a message.
   */
  readonly ssePolling: boolean
  /**
   * A stateless revision (2026-07-28): every request carries its envelope in `_meta` in place
   * of the `initialize` handshake and a session, and may name this revision there.
   */
  readonly stateless: boolean
  /**
   * Where the client's log level comes from: each request's `_meta` (2026-07-28; no level, no
   * logs), or the session's `logging/setLevel` (legacy; everything until it is set).
   */
  readonly logLevel: "request" | "session"
  /** `ttlMs`/`cacheScope` cache hints on results (2026-07-28). */
  readonly cacheHints: boolean
  /** The tasks extension (`io.modelcontextprotocol/tasks`), offered from 2026-07-28. */
  readonly tasks: boolean
  /** The JSON-RPC code of an unknown resource: -32002 before 2026-07-28, -32602 from it. */
  readonly resourceNotFoundCode: -32002 | -32602
  /**
   * The JSON-RPC code of a missing client capability: -32600 before 2026-07-28, -32021 (with
   * `requiredCapabilities` as data) from it.
   */
  readonly missingCapabilityCode: -32600 | -32021
}

const r2024_11_05: Features = {
  batches: false,
  toolAnnotations: false,
  audio: false,
  completions: false,
  titles: false,
  structuredOutput: false,
  resourceLinks: false,
  icons: false,
  argumentErrors: "protocol-error",
  elicitationModes: false,
  ssePolling: false,
  stateless: false,
  logLevel: "session",
  cacheHints: false,
  tasks: false,
  resourceNotFoundCode: -32002,
  missingCapabilityCode: -32600
}
const r2025_03_26: Features = { ...r2024_11_05, batches: true, toolAnnotations: true, audio: true, completions: true }
const r2025_06_18: Features = { ...r2025_03_26, batches: false, titles: true, structuredOutput: true, resourceLinks: true }
const r2025_11_25: Features = {
  ...r2025_06_18,
  icons: true,
  argumentErrors: "tool-result",
  elicitationModes: true,
  ssePolling: true
}
const r2026_07_28: Features = {
  ...r2025_11_25,
  stateless: true,
  logLevel: "request",
  cacheHints: true,
  tasks: true,
  resourceNotFoundCode: -32602,
  missingCapabilityCode: -32021
}

/**
 * Every revision's features: the one place revisions differ.
 *
 * @since 0.1.0
 * @category constants
 */
export const features: { readonly [V in ProtocolVersion]: Features } = {
  "2024-11-05": r2024_11_05,
  "2025-03-26": r2025_03_26,
  "2025-06-18": r2025_06_18,
  "2025-11-25": r2025_11_25,
  "2026-07-28": r2026_07_28
}

/**
 * The features of a revision.
 *
 * @since 0.1.0
 * @category gates
 */
export const featuresOf = (v: ProtocolVersion): Features => features[v]

/**
 * The message every path answers an unsupported revision with (the `MCP-Protocol-Version`
 * header of a legacy or modern request, the `_meta` protocol version of a modern one). A
 * client controls the value, so a long string is cut and anything else previewed. A legacy
 * revision is unsupported only in a modern request's `_meta`, and the message says so rather
 * than list it as supported.
 *
 * @since 0.1.0
 * @category negotiation
 */
export const unsupportedMessage = (requested: unknown): string =>
  isLegacy(requested)
    ? `Unsupported protocol version: ${requested} (supported in _meta: ${
      supported.filter((v) => featuresOf(v).stateless).join(", ")
    }; ${requested} needs the initialize handshake)`
    : `Unsupported protocol version: ${typeof requested === "string" ? truncate(requested, 64) : preview(requested)} (supported: ${
      supported.join(", ")
    })`

/**
 * JSON-RPC batches are part of 2025-03-26 only.
 *
 * @deprecated Use `featuresOf(v).batches`.
 * @since 0.1.0
 * @category gates
 */
export const allowsBatch = (v: ProtocolVersion): boolean => featuresOf(v).batches

/**
 * `structuredContent`, `outputSchema`, `title`, elicitation and resource links arrived in 2025-06-18.
 *
 * @deprecated Use `featuresOf(v)`: `structuredOutput`, `titles`, `resourceLinks`.
 * @since 0.1.0
 * @category gates
 */
export const hasStructuredOutput = (v: ProtocolVersion): boolean => featuresOf(v).structuredOutput

/**
 * Icons, URL elicitation and tool `execution` arrived in 2025-11-25.
 *
 * @deprecated Use `featuresOf(v)`: `icons`, `elicitationModes`, `argumentErrors`.
 * @since 0.1.0
 * @category gates
 */
export const hasIcons = (v: ProtocolVersion): boolean => featuresOf(v).icons

/**
 * Tool annotations arrived in 2025-03-26.
 *
 * @deprecated Use `featuresOf(v).toolAnnotations`.
 * @since 0.1.0
 * @category gates
 */
export const hasToolAnnotations = (v: ProtocolVersion): boolean => featuresOf(v).toolAnnotations

/**
 * Audio content and the completions capability arrived in 2025-03-26.
 *
 * @deprecated Use `featuresOf(v)`: `audio`, `completions`.
 * @since 0.1.0
 * @category gates
 */
export const hasAudio = (v: ProtocolVersion): boolean => featuresOf(v).audio

/**
 * The stateless revision's per-request `_meta`, `resultType` and MRTR.
 *
 * @deprecated Use `featuresOf(v).stateless`.
 * @since 0.1.0
 * @category gates
 */
export const isModern = (v: ProtocolVersion): boolean => featuresOf(v).stateless

/**
 * SSE priming events and server-initiated polling (SEP-1699) arrived in 2025-11-25; older
 * clients would try to parse the empty priming event as a message.
 *
 * @deprecated Use `featuresOf(v).ssePolling`.
 * @since 0.1.0
 * @category gates
 */
export const hasSsePolling = (v: ProtocolVersion): boolean => featuresOf(v).ssePolling

/**
 * MCP protocol revisions: which we speak, how `initialize` negotiates one, and the
 * per-revision feature gates the era adapters consult. Handlers never see these.
 *
 * @since 0.1.0
 */

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
 * JSON-RPC batches are part of 2025-03-26 only.
 *
 * @since 0.1.0
 * @category gates
 */
export const allowsBatch = (v: ProtocolVersion): boolean => v === "2025-03-26"

/**
 * `structuredContent`, `outputSchema`, `title`, elicitation and resource links arrived in 2025-06-18.
 *
 * @since 0.1.0
 * @category gates
 */
export const hasStructuredOutput = (v: ProtocolVersion): boolean => v >= "2025-06-18"

/**
 * Icons, URL elicitation and tool `execution` arrived in 2025-11-25.
 *
 * @since 0.1.0
 * @category gates
 */
export const hasIcons = (v: ProtocolVersion): boolean => v >= "2025-11-25"

/**
 * Tool annotations arrived in 2025-03-26.
 *
 * @since 0.1.0
 * @category gates
 */
export const hasToolAnnotations = (v: ProtocolVersion): boolean => v >= "2025-03-26"

/**
 * Audio content and the completions capability arrived in 2025-03-26.
 *
 * @since 0.1.0
 * @category gates
 */
export const hasAudio = (v: ProtocolVersion): boolean => v >= "2025-03-26"

/**
 * The stateless revision's per-request `_meta`, `resultType` and MRTR.
 *
 * @since 0.1.0
 * @category gates
 */
export const isModern = (v: ProtocolVersion): boolean => v >= "2026-07-28"

/**
 * SSE priming events and server-initiated polling (SEP-1699) arrived in 2025-11-25; older
 * clients would try to parse the empty priming event as a message.
 *
 * @since 0.1.0
 * @category gates
 */
export const hasSsePolling = (v: ProtocolVersion): boolean => v >= "2025-11-25"

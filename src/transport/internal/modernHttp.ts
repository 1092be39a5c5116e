/** @internal */
// The 2026-07-28 revision's HTTP edge: which requests are modern, the header checks
// (SEP-2243) in the order the spec's error ladder gives, and the status of a reply.
import * as Either from "effect/Either"
import type * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as Modern from "../../protocol/Modern.js"
import * as Version from "../../protocol/Version.js"
import type { Registry } from "../../server/Registry.js"
import type { Exchange } from "./exchange.js"

/** @internal */
export interface Rejection {
  readonly status: number
  readonly error: JsonRpc.ErrorObject
}

/**
 * A request is modern when its body claims it, or when a session-less request's header names
 * a stateless revision. A header naming no revision we speak claims no era: the legacy path
 * answers it (400, `Version.unsupportedMessage`), as it does for a legacy request.
 */
export const isModern = (ex: Exchange, params: Record<string, unknown> | undefined): boolean => {
  if (Modern.claimsModern(params)) return true
  if (ex.header("mcp-session-id") !== undefined) return false
  const header = ex.header("mcp-protocol-version")?.trim()
  return header !== undefined && Version.isSupported(header) && Version.featuresOf(header).stateless
}

// Header values that are not plain visible ASCII travel as =?base64?...?=.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const decodeHeader = (raw: string): string | undefined => {
  const value = raw.replace(/^[ \t]+|[ \t]+$/g, "")
  if (value.startsWith("=?base64?") && value.endsWith("?=") && value.length >= 11) {
    const encoded = value.slice(9, -2)
    if (!BASE64.test(encoded)) return undefined
    return Buffer.from(encoded, "base64").toString("utf8")
  }
  return /^[\x20-\x7e]*$/.test(value) ? value : undefined
}

const mismatch = (message: string): Rejection => ({
  status: 400,
  error: McpError.toErrorObject(new McpError.HeaderMismatch({ message: `Header mismatch: ${message}` }), Version.modern)
})

// The answer to a revision we do not speak, whether the header or the body names it.
const unsupported = (requested: string): Rejection => ({
  status: 400,
  error: McpError.toErrorObject(new McpError.UnsupportedProtocolVersion({ requested }), Version.modern)
})

const nameSource: Record<string, string> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "tasks/get": "taskId",
  "tasks/update": "taskId",
  "tasks/cancel": "taskId"
}

const sameValue = (header: string, body: unknown): boolean => {
  if (typeof body === "string") return header === body
  if (typeof body === "number") return header.trim() !== "" && Number(header) === body
  if (typeof body === "boolean") return header === String(body)
  return false
}

const valueAt = (args: unknown, path: ReadonlyArray<string>): unknown => {
  let node = args
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** @internal */
export const check = (ex: Exchange, request: JsonRpc.Request, registry: Registry["Type"]): Rejection | undefined => {
  const envelope = Modern.readEnvelope(request.params)
  if (Either.isLeft(envelope) && envelope.left._tag === "InvalidParams") {
    return { status: 400, error: McpError.toErrorObject(envelope.left, Version.modern) }
  }
  const bodyVersion = (request.params?._meta as Record<string, unknown>)[Modern.MetaKey.protocolVersion]
  const headerVersion = ex.header("mcp-protocol-version")
  if (headerVersion === undefined) return mismatch("MCP-Protocol-Version header is required")
  // A header naming no revision is reported as such, before any comparison with the body.
  if (!Version.isSupported(headerVersion.trim())) return unsupported(headerVersion.trim())
  if (headerVersion.trim() !== bodyVersion) {
    return mismatch(`MCP-Protocol-Version header ${headerVersion} does not match the body's ${String(bodyVersion)}`)
  }
  if (Either.isLeft(envelope)) return { status: 400, error: McpError.toErrorObject(envelope.left, Version.modern) }
  const method = ex.header("mcp-method")
  if (method === undefined) return mismatch("Mcp-Method header is required")
  if (method.trim() !== request.method) {
    return mismatch(`Mcp-Method header value '${method.trim()}' does not match body method '${request.method}'`)
  }
  const source = nameSource[request.method]
  const bodyName = source === undefined ? undefined : request.params?.[source]
  if (source !== undefined && bodyName !== undefined) {
    const raw = ex.header("mcp-name")
    if (raw === undefined) return mismatch("Mcp-Name header is required")
    const name = decodeHeader(raw)
    if (name === undefined) return mismatch("Mcp-Name header value is not valid")
    if (name !== String(bodyName)) {
      return mismatch(`Mcp-Name header value '${name}' does not match body value '${String(bodyName)}'`)
    }
  }
  if (request.method === "tools/call" && typeof bodyName === "string") {
    const tool = registry.tool(bodyName)
    for (const param of tool?.headerParams ?? []) {
      const value = valueAt(request.params?.arguments, param.path)
      if (value === undefined || value === null) continue
      const raw = ex.header(`mcp-param-${param.header.toLowerCase()}`)
      if (raw === undefined) return mismatch(`Mcp-Param-${param.header} header is required`)
      const decoded = decodeHeader(raw)
      if (decoded === undefined) return mismatch(`Mcp-Param-${param.header} header value is not valid`)
      if (!sameValue(decoded, value)) {
        return mismatch(`Mcp-Param-${param.header} header value does not match the argument ${param.path.join(".")}`)
      }
    }
  }
  return undefined
}

/** HTTP status of a modern reply: 404 for unknown methods, 400 for the envelope-level errors. */
export const statusOf = (errorCode: number | undefined): number => {
  switch (errorCode) {
    case -32601:
      return 404
    case -32020:
    case -32021:
    case -32022:
      return 400
    default:
      return 200
  }
}

/**
 * The `Retry-After` (whole seconds, at least 1) of a reply that failed with a rate limit
 * (`McpError.RateLimitExceeded`: -32000 with `data.retryAfterMs`); `undefined` for any other.
 * Read only for -32000 replies, so the parse is off the hot path.
 */
export const retryAfter = (text: string): string | undefined => {
  try {
    const ms = JSON.parse(text)?.error?.data?.retryAfterMs
    return typeof ms === "number" && Number.isFinite(ms) ? String(Math.max(1, Math.ceil(ms / 1000))) : undefined
  } catch {
    return undefined
  }
}

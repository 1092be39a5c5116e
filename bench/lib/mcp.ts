/**
 * The MCP wire as the harness speaks it: request builders for each dialect, a tiny
 * HTTP client (node's fetch), JSON/SSE response parsing and the checks that decide
 * whether a contender answered correctly. Only node built-ins: smoke.ts uses this.
 */

/** `legacy`: a 2025-era request (stateless: no session, no initialize). `modern`: a 2026-07-28 request. */
export type Dialect = "legacy" | "modern"

export const LEGACY_STATELESS_VERSION = "2025-06-18"
export const LEGACY_SESSION_OFFER = "2025-11-25"
export const MODERN_VERSION = "2026-07-28"
export const ECHO_TEXT = "hello from turbomcp bench"
export const CLIENT_INFO = { name: "turbomcp-bench", version: "1.0.0" } as const

export class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

export const na = (reason: string): never => {
  throw new NotApplicable(reason)
}

export interface HttpRequestSpec {
  readonly method: "POST"
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface Session {
  readonly sessionId: string
  readonly protocolVersion: string
}

export interface JsonRpcMessage {
  readonly jsonrpc?: string
  readonly id?: string | number | null
  readonly method?: string
  readonly result?: Record<string, unknown>
  readonly error?: { readonly code?: number; readonly message?: string }
}

const BASE_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream"
} as const

const modernMeta = {
  "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
  "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
  "io.modelcontextprotocol/clientCapabilities": {}
} as const

const headersFor = (
  dialect: Dialect,
  method: string,
  name: string | undefined,
  session: Session | undefined
): Record<string, string> => {
  if (dialect === "modern") {
    return {
      ...BASE_HEADERS,
      "mcp-protocol-version": MODERN_VERSION,
      "mcp-method": method,
      ...(name === undefined ? {} : { "mcp-name": name })
    }
  }
  return session === undefined
    ? { ...BASE_HEADERS, "mcp-protocol-version": LEGACY_STATELESS_VERSION }
    : { ...BASE_HEADERS, "mcp-protocol-version": session.protocolVersion, "mcp-session-id": session.sessionId }
}

/** A JSON-RPC id; the string "[<id>]" is autocannon's placeholder for a fresh id per request. */
export type RpcId = number | string

export const UNIQUE_ID = "[<id>]"

const rpc = (id: RpcId | undefined, method: string, params: Record<string, unknown> | undefined): string =>
  JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, ...(params ? { params } : {}) })

export const toolCallParams = (dialect: Dialect, text = ECHO_TEXT): Record<string, unknown> =>
  dialect === "modern"
    ? { name: "echo", arguments: { text }, _meta: modernMeta }
    : { name: "echo", arguments: { text } }

export const toolCallRequest = (dialect: Dialect, id: RpcId, session?: Session): HttpRequestSpec => ({
  method: "POST",
  path: "/mcp",
  headers: headersFor(dialect, "tools/call", "echo", session),
  body: rpc(id, "tools/call", toolCallParams(dialect))
})

export const toolsListRequest = (dialect: Dialect, id: RpcId, cursor?: string, session?: Session): HttpRequestSpec => {
  const params: Record<string, unknown> = {
    ...(cursor === undefined ? {} : { cursor }),
    ...(dialect === "modern" ? { _meta: modernMeta } : {})
  }
  return {
    method: "POST",
    path: "/mcp",
    headers: headersFor(dialect, "tools/list", undefined, session),
    body: rpc(id, "tools/list", Object.keys(params).length > 0 ? params : undefined)
  }
}

export const initializeParams = (protocolVersion = LEGACY_SESSION_OFFER): Record<string, unknown> => ({
  protocolVersion,
  capabilities: {},
  clientInfo: CLIENT_INFO
})

export interface HttpAnswer {
  readonly status: number
  readonly contentType: string
  readonly headers: Headers
  readonly text: string
}

export const send = async (port: number, spec: HttpRequestSpec, timeoutMs = 10_000): Promise<HttpAnswer> => {
  const response = await fetch(`http://127.0.0.1:${port}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    signal: AbortSignal.timeout(timeoutMs)
  })
  const text = await response.text()
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", headers: response.headers, text }
}

/** Parses a JSON body or an SSE stream into the JSON-RPC messages it carries. */
export const parseMessages = (contentType: string, text: string): ReadonlyArray<JsonRpcMessage> => {
  if (contentType.includes("text/event-stream")) {
    const messages: Array<JsonRpcMessage> = []
    for (const event of text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
        .join("\n")
      if (data.length > 0) messages.push(JSON.parse(data) as JsonRpcMessage)
    }
    return messages
  }
  if (text.length === 0) return []
  const parsed = JSON.parse(text) as JsonRpcMessage | ReadonlyArray<JsonRpcMessage>
  return Array.isArray(parsed) ? parsed : [parsed as JsonRpcMessage]
}

const snippet = (text: string): string => (text.length > 160 ? `${text.slice(0, 160)}...` : text).replace(/\s+/g, " ")

/** The response to request `id` in an HTTP answer, or n/a with the reason. */
export const responseTo = (answer: HttpAnswer, id: number): JsonRpcMessage => {
  if (answer.status !== 200) na(`HTTP ${answer.status}: ${snippet(answer.text)}`)
  let messages: ReadonlyArray<JsonRpcMessage>
  try {
    messages = parseMessages(answer.contentType, answer.text)
  } catch {
    return na(`unparseable ${answer.contentType || "body"}: ${snippet(answer.text)}`)
  }
  const message = messages.find((m) => m.id === id)
  if (message === undefined) return na(`no response with id ${id}: ${snippet(answer.text)}`)
  if (message.error !== undefined) {
    return na(`JSON-RPC error ${message.error.code}: ${message.error.message ?? ""}`.trim())
  }
  return message
}

/**
 * Checks a tools/call result for the echo tool. The text must be the one sent, or its
 * JSON encoding: Effect's McpServer (3 and 4) JSON-encodes a tool's success value as
 * the text content, which is its documented behaviour, not a wrong answer.
 */
export const echoProblem = (message: JsonRpcMessage, expected = ECHO_TEXT): string | undefined => {
  const result = message.result as { content?: ReadonlyArray<{ type?: string; text?: string }>; isError?: boolean }
  if (result === undefined) return "no result"
  if (result.isError === true) return `tool error: ${snippet(JSON.stringify(result.content ?? []))}`
  const first = result.content?.[0]
  if (first?.type !== "text") return `no text content: ${snippet(JSON.stringify(result))}`
  if (first.text !== expected && first.text !== JSON.stringify(expected)) {
    return `wrong text: ${snippet(String(first.text))}`
  }
  return undefined
}

export const checkEcho = (message: JsonRpcMessage): void => {
  const problem = echoProblem(message)
  if (problem !== undefined) na(problem)
}

/** The request with more headers (e.g. `authorization`), replacing any of the same name. */
export const withHeaders = (spec: HttpRequestSpec, headers: Readonly<Record<string, string>> | undefined): HttpRequestSpec =>
  headers === undefined ? spec : { ...spec, headers: { ...spec.headers, ...headers } }

/** One verified tools/call over HTTP, with `headers` added. Returns the answer's content type. */
export const verifyToolCall = async (
  port: number,
  dialect: Dialect,
  session?: Session,
  timeoutMs?: number,
  headers?: Readonly<Record<string, string>>
): Promise<string> => {
  const answer = await send(port, withHeaders(toolCallRequest(dialect, 1, session), headers), timeoutMs)
  checkEcho(responseTo(answer, 1))
  return answer.contentType
}

/** The initialize handshake of a legacy session; n/a if the server issues no Mcp-Session-Id. */
export const openSession = async (port: number, timeoutMs?: number): Promise<Session> => {
  const init = await send(port, {
    method: "POST",
    path: "/mcp",
    headers: BASE_HEADERS,
    body: rpc(0, "initialize", initializeParams())
  }, timeoutMs)
  const message = responseTo(init, 0)
  const sessionId = init.headers.get("mcp-session-id")
  if (sessionId === null) return na("no Mcp-Session-Id sessions (initialize answered without one)")
  const protocolVersion = String((message.result as { protocolVersion?: unknown }).protocolVersion ?? "")
  if (protocolVersion === "") return na("initialize result without protocolVersion")
  const session = { sessionId, protocolVersion }
  const initialized = await send(port, {
    method: "POST",
    path: "/mcp",
    headers: headersFor("legacy", "notifications/initialized", undefined, session),
    body: rpc(undefined, "notifications/initialized", undefined)
  })
  if (initialized.status < 200 || initialized.status >= 300) {
    return na(`notifications/initialized: HTTP ${initialized.status} ${snippet(initialized.text)}`)
  }
  return session
}

export interface ToolListing {
  /** The requests that fetch the whole list, page by page (cursors as the server gave them). */
  readonly pages: ReadonlyArray<HttpRequestSpec>
  readonly toolCount: number
  readonly bytes: number
}

/** Walks tools/list to the end and checks that every tool is there. */
export const listAllTools = async (
  port: number,
  dialect: Dialect,
  expectedTools: number,
  session?: Session,
  timeoutMs?: number
): Promise<ToolListing> => {
  const pages: Array<HttpRequestSpec> = []
  const names = new Set<string>()
  let cursor: string | undefined
  let bytes = 0
  for (let page = 0; page < 1_000; page++) {
    const spec = toolsListRequest(dialect, page + 1, cursor, session)
    const answer = await send(port, spec, timeoutMs)
    bytes += answer.text.length
    const result = responseTo(answer, page + 1).result as { tools?: ReadonlyArray<{ name?: string }>; nextCursor?: string }
    if (!Array.isArray(result?.tools)) return na("tools/list result without tools")
    for (const tool of result.tools) if (typeof tool.name === "string") names.add(tool.name)
    pages.push(spec)
    cursor = typeof result.nextCursor === "string" && result.nextCursor !== "" ? result.nextCursor : undefined
    if (cursor === undefined) break
  }
  if (cursor !== undefined) return na("tools/list did not end after 1,000 pages")
  if (names.size < expectedTools || !names.has("echo")) {
    return na(`tools/list returned ${names.size} tools, expected ${expectedTools} including echo (BENCH_TOOLS=${expectedTools - 1} not honoured?)`)
  }
  return { pages, toolCount: names.size, bytes }
}

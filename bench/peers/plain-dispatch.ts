/**
 * JSON-RPC answered by hand, shared by the two ceilings (plain node:http and a
 * plain readline loop). No framework, no validation beyond what the echo tool needs:
 * this is the cost floor of "parse a JSON-RPC request, answer it".
 */
import { ECHO_DESCRIPTION, SERVER_INFO, extraToolDescription, extraToolNames } from "./common.ts"

interface JsonRpcMessage {
  readonly jsonrpc?: string
  readonly id?: string | number | null
  readonly method?: string
  readonly params?: {
    readonly name?: string
    readonly arguments?: { readonly text?: unknown }
    readonly protocolVersion?: string
  }
}

const SUPPORTED = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

const textSchema = {
  type: "object",
  properties: { text: { type: "string" } },
  required: ["text"]
} as const

export const makeToolList = (extra: number) => [
  { name: "echo", description: ECHO_DESCRIPTION, inputSchema: textSchema },
  ...extraToolNames(extra).map((name) => ({ name, description: extraToolDescription(name), inputSchema: textSchema }))
]

export type Dispatch = (message: JsonRpcMessage) => string | undefined

/** Returns the serialized response, or undefined for a notification. */
export const makeDispatch = (extraTools: number): Dispatch => {
  const tools = makeToolList(extraTools)
  const toolNames = new Set(tools.map((t) => t.name))
  return (message) => {
    if (message.id === undefined || message.id === null) return undefined
    const id = message.id
    switch (message.method) {
      case "initialize": {
        const requested = message.params?.protocolVersion
        const protocolVersion = requested !== undefined && SUPPORTED.includes(requested) ? requested : SUPPORTED[0]
        return JSON.stringify({
          jsonrpc: "2.0",
          id,
          result: { protocolVersion, capabilities: { tools: {} }, serverInfo: SERVER_INFO }
        })
      }
      case "tools/list":
        return JSON.stringify({ jsonrpc: "2.0", id, result: { tools } })
      case "tools/call": {
        const name = message.params?.name
        const text = message.params?.arguments?.text
        if (name === undefined || !toolNames.has(name) || typeof text !== "string") {
          return JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32602, message: "Invalid params" } })
        }
        return JSON.stringify({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } })
      }
      case "ping":
        return JSON.stringify({ jsonrpc: "2.0", id, result: {} })
      default:
        return JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } })
    }
  }
}

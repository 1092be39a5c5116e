/**
 * Official SDK v2 (@modelcontextprotocol/server 2.x + @modelcontextprotocol/node), wired
 * as its serving guide shows:
 * - stateless: createMcpHandler(factory) mounted with toNodeHandler behind the
 *   localhost Host/Origin guards on plain node:http (docs/serving/http.md); it serves
 *   2025-era clients statelessly and 2026-07-28 requests from the same factory;
 * - sessions: the documented sessionful 2025 deployment, a NodeStreamableHTTPServerTransport
 *   per Mcp-Session-Id (examples/legacy-routing), on the same guarded node:http;
 * - stdio: serveStdio(factory).
 */
import { randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import {
  localhostHostValidation,
  localhostOriginValidation,
  NodeStreamableHTTPServerTransport,
  toNodeHandler
} from "@modelcontextprotocol/node"
import { createMcpHandler, isInitializeRequest, McpServer } from "@modelcontextprotocol/server"
import { serveStdio } from "@modelcontextprotocol/server/stdio"
import * as z from "zod/v4"
import { ECHO_DESCRIPTION, SERVER_INFO, exitOnSignals, extraToolDescription, extraToolNames, readConfig } from "./common.ts"

const config = readConfig()
const inputSchema = z.object({ text: z.string() })
const extraNames = extraToolNames(config.extraTools)

const buildServer = (): McpServer => {
  const server = new McpServer(SERVER_INFO)
  server.registerTool("echo", { description: ECHO_DESCRIPTION, inputSchema }, async ({ text }) => ({
    content: [{ type: "text", text }]
  }))
  for (const name of extraNames) {
    server.registerTool(name, { description: extraToolDescription(name), inputSchema }, async ({ text }) => ({
      content: [{ type: "text", text }]
    }))
  }
  return server
}

const readJson = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
      } catch (error) {
        reject(error)
      }
    })
    req.on("error", reject)
  })

const jsonError = (res: ServerResponse, status: number, code: number, message: string) => {
  if (res.headersSent) return
  res.writeHead(status, { "content-type": "application/json" })
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }))
}

if (config.transport === "stdio") {
  serveStdio(buildServer)
} else {
  const validateHost = localhostHostValidation()
  const validateOrigin = localhostOriginValidation()
  let close: () => unknown = () => undefined

  if (config.stateless) {
    const handler = createMcpHandler(buildServer)
    const nodeHandler = toNodeHandler(handler)
    const server = createServer((req, res) => {
      if (!validateHost(req, res) || !validateOrigin(req, res)) return
      void nodeHandler(req, res)
    }).listen(config.port, config.host)
    close = async () => {
      await handler.close()
      server.close()
    }
  } else {
    const sessions = new Map<string, NodeStreamableHTTPServerTransport>()
    const server = createServer(async (req, res) => {
      if (!validateHost(req, res) || !validateOrigin(req, res)) return
      try {
        const sid = req.headers["mcp-session-id"]
        const existing = typeof sid === "string" ? sessions.get(sid) : undefined
        if (existing !== undefined) {
          await existing.handleRequest(req, res, req.method === "POST" ? await readJson(req) : undefined)
          return
        }
        if (typeof sid === "string") {
          jsonError(res, 404, -32001, "Session not found")
          return
        }
        const body = req.method === "POST" ? await readJson(req) : undefined
        if (!isInitializeRequest(body)) {
          jsonError(res, 400, -32000, "Bad Request: Session ID required")
          return
        }
        const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            sessions.set(id, transport)
          }
        })
        transport.onclose = () => {
          if (transport.sessionId !== undefined) sessions.delete(transport.sessionId)
        }
        await buildServer().connect(transport)
        await transport.handleRequest(req, res, body)
      } catch {
        jsonError(res, 500, -32603, "Internal server error")
      }
    }).listen(config.port, config.host)
    close = () => server.close()
  }
  exitOnSignals(close)
}

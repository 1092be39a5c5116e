/**
 * Official SDK v1 (@modelcontextprotocol/sdk 1.32.x), wired as its docs show:
 * - stateless: createMcpExpressApp() and a new McpServer + StreamableHTTPServerTransport
 *   per request (simpleStatelessStreamableHttp.ts), JSON responses (jsonResponseStreamableHttp.ts);
 * - sessions: a transport per Mcp-Session-Id kept in a map (simpleStreamableHttp.ts), SSE responses;
 * - stdio: StdioServerTransport.
 */
import { randomUUID } from "node:crypto"
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js"
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js"
import type { Request, Response } from "express"
import * as z from "zod/v4"
import { ECHO_DESCRIPTION, SERVER_INFO, exitOnSignals, extraToolDescription, extraToolNames, readConfig } from "./common.ts"

const config = readConfig()
const inputSchema = { text: z.string() }
const extraNames = extraToolNames(config.extraTools)

const getServer = (): McpServer => {
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

const internalError = (res: Response) => {
  if (!res.headersSent) {
    res.status(500).json({ jsonrpc: "2.0", error: { code: -32603, message: "Internal server error" }, id: null })
  }
}

if (config.transport === "stdio") {
  await getServer().connect(new StdioServerTransport())
} else {
  const app = createMcpExpressApp({ host: config.host })
  if (config.stateless) {
    app.post("/mcp", async (req: Request, res: Response) => {
      const server = getServer()
      try {
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
        await server.connect(transport)
        await transport.handleRequest(req, res, req.body)
        res.on("close", () => {
          void transport.close()
          void server.close()
        })
      } catch {
        internalError(res)
      }
    })
  } else {
    const transports = new Map<string, StreamableHTTPServerTransport>()
    app.post("/mcp", async (req: Request, res: Response) => {
      const sessionId = req.headers["mcp-session-id"]
      try {
        if (typeof sessionId === "string" && transports.has(sessionId)) {
          await transports.get(sessionId)!.handleRequest(req, res, req.body)
        } else if (sessionId === undefined && isInitializeRequest(req.body)) {
          const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => {
              transports.set(id, transport)
            }
          })
          transport.onclose = () => {
            if (transport.sessionId !== undefined) transports.delete(transport.sessionId)
          }
          await getServer().connect(transport)
          await transport.handleRequest(req, res, req.body)
        } else {
          res.status(400).json({
            jsonrpc: "2.0",
            error: { code: -32000, message: "Bad Request: No valid session ID provided" },
            id: null
          })
        }
      } catch {
        internalError(res)
      }
    })
  }
  const listener = app.listen(config.port, config.host)
  exitOnSignals(() => listener.close())
}

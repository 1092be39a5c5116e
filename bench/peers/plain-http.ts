/**
 * The HTTP ceiling: plain node:http that parses JSON-RPC and answers by hand.
 * Stateless: JSON answers. Session mode: initialize issues an Mcp-Session-Id
 * (kept in a Set), later requests must carry a known one and get an SSE answer.
 */
import { randomUUID } from "node:crypto"
import { createServer } from "node:http"
import { exitOnSignals, readConfig } from "./common.ts"
import { makeDispatch } from "./plain-dispatch.ts"

const config = readConfig()
const dispatch = makeDispatch(config.extraTools)
const sessions = new Set<string>()

const server = createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(405).end()
    return
  }
  const chunks: Array<Buffer> = []
  req.on("data", (chunk: Buffer) => chunks.push(chunk))
  req.on("end", () => {
    let message
    try {
      message = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    } catch {
      res.writeHead(400, { "content-type": "application/json" })
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }))
      return
    }
    const sessionHeader = req.headers["mcp-session-id"]
    const sessionId = typeof sessionHeader === "string" ? sessionHeader : undefined
    if (sessionId !== undefined && !sessions.has(sessionId)) {
      res.writeHead(404, { "content-type": "application/json" })
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } }))
      return
    }
    const body = dispatch(message)
    if (body === undefined) {
      res.writeHead(202).end()
      return
    }
    if (message.method === "initialize" && !config.stateless) {
      const id = randomUUID()
      sessions.add(id)
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "mcp-session-id": id })
      res.end(`event: message\ndata: ${body}\n\n`)
    } else if (sessionId !== undefined) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
      res.end(`event: message\ndata: ${body}\n\n`)
    } else {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(body)
    }
  })
})

server.listen(config.port, config.host)
exitOnSignals(() => server.close())

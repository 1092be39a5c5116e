/** @internal */
import type * as http from "node:http"
import type { Exchange, SseSink } from "./exchange.js"

/** @internal */
export const fromNode = (req: http.IncomingMessage, res: http.ServerResponse): Exchange => {
  const url = req.url ?? "/"
  const q = url.indexOf("?")
  return {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
    header: (name) => {
      const value = req.headers[name]
      return Array.isArray(value) ? value.join(", ") : value
    },
    readBody: (limit, done) => {
      const declared = Number(req.headers["content-length"])
      if (declared > limit) {
        req.resume()
        return done("too-large")
      }
      const chunks: Array<Buffer> = []
      let size = 0
      let finished = false
      req.on("data", (chunk: Buffer) => {
        if (finished) return
        size += chunk.length
        if (size > limit) {
          finished = true
          req.resume()
          return done("too-large")
        }
        chunks.push(chunk)
      })
      req.once("end", () => {
        if (finished) return
        finished = true
        done(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"))
      })
      req.once("error", () => {
        if (finished) return
        finished = true
        done("aborted")
      })
    },
    respond: (status, headers, body) => {
      if (res.headersSent) return
      res.writeHead(status, body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) })
      res.end(body)
    },
    openStream: (headers): SseSink => {
      res.writeHead(200, headers)
      res.flushHeaders()
      return {
        write: (chunk) => void res.write(chunk),
        end: () => void res.end()
      }
    },
    onAbort: (callback) => {
      res.once("close", () => {
        if (!res.writableFinished) callback()
      })
    }
  }
}

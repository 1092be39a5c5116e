/** @internal */
import type * as http from "node:http"
import type { Exchange, SseSink } from "./exchange.js"

interface State {
  readonly req: http.IncomingMessage
  readonly res: http.ServerResponse
  readonly method: string
  readonly path: string
  readonly rawQuery: string
}

// One exchange per HTTP request, on the hot path: its members live on one shared prototype
// (and the query is parsed when read) rather than as closures made for every request.
const ExchangeProto = {
  get query() {
    return new URLSearchParams((this as unknown as State).rawQuery)
  },
  readBody(this: State, limit: number, done: (body: string | "too-large" | "aborted") => void) {
    const req = this.req
    const declared = Number(req.headers["content-length"])
    if (declared > limit) {
      req.resume()
      return done("too-large")
    }
    let first: Buffer | undefined
    let chunks: Array<Buffer> | undefined
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
      if (first === undefined) first = chunk
      else (chunks ??= [first]).push(chunk)
    })
    req.once("end", () => {
      if (finished) return
      finished = true
      done(chunks !== undefined ? Buffer.concat(chunks).toString("utf8") : first?.toString("utf8") ?? "")
    })
    req.once("error", () => {
      if (finished) return
      finished = true
      done("aborted")
    })
  },
  respond(this: State, status: number, headers: Record<string, string>, body?: string) {
    const res = this.res
    if (res.headersSent) return
    if (body === undefined) {
      res.writeHead(status, headers)
      return void res.end()
    }
    for (const name in headers) res.setHeader(name, headers[name]!)
    // With the headers not yet written, node:http sets Content-Length and sends the head
    // and the body in one write.
    res.statusCode = status
    res.end(body)
  },
  openStream(this: State, headers: Record<string, string>): SseSink {
    const res = this.res
    res.writeHead(200, headers)
    res.flushHeaders()
    return {
      write: (chunk) => void res.write(chunk),
      end: () => void res.end()
    }
  },
  onAbort(this: State, callback: () => void) {
    const res = this.res
    res.once("close", () => {
      if (!res.writableFinished) callback()
    })
  }
}

/** @internal */
export const fromNode = (req: http.IncomingMessage, res: http.ServerResponse): Exchange => {
  const url = req.url ?? "/"
  const q = url.indexOf("?")
  const state: State = Object.create(ExchangeProto)
  Object.assign(state, {
    req,
    res,
    // Its own function: it is passed around unbound (to authenticators).
    header: (name: string) => {
      const value = req.headers[name]
      return Array.isArray(value) ? value.join(", ") : value
    },
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? "" : url.slice(q + 1)
  })
  return state as unknown as Exchange
}

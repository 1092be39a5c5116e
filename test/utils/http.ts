// Raw HTTP helpers for the Streamable HTTP tests: a node:http request (full control of
// Host, body and method) and an SSE reader for fetch responses.
import * as http from "node:http"

export interface RawResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly text: string
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: any
}

export interface RawRequest {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string | Buffer
  /** Send the body in chunks without a Content-Length (chunked transfer encoding). */
  readonly chunked?: boolean
}

/**
 * One HTTP exchange with node:http; never throws on an HTTP error status. It uses a
 * keep-alive connection, as fetch and the SDK do: with `Connection: close`, a server that
 * answers before reading the whole body (413) closes the socket under the client's
 * upload and the reset can swallow the answer.
 */
export const rawRequest = (url: string, options: RawRequest = {}): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const done = () => setImmediate(() => agent.destroy())
    const target = new URL(url)
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined && !options.chunked && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
      headers["content-length"] = String(Buffer.byteLength(options.body))
    }
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? "POST", headers, agent },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          let json: any = undefined
          try {
            json = text === "" ? undefined : JSON.parse(text)
          } catch {
            json = undefined
          }
          done()
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
        res.on("error", (error) => {
          done()
          reject(error)
        })
      }
    )
    // The server may answer (413) before it read the whole body and then stop reading: that is fine.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") {
        done()
        reject(error)
      }
    })
    if (options.body === undefined) return void req.end()
    if (!options.chunked) return void req.end(options.body)
    const body = typeof options.body === "string" ? Buffer.from(options.body) : options.body
    const size = 64 * 1024
    let offset = 0
    const pump = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + size)
        offset += size
        if (!req.write(chunk)) return void req.once("drain", pump)
      }
      req.end()
    }
    pump()
  })

/** Headers every POST to the MCP endpoint needs. */
export const postHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  ...extra
})

export interface SseEvent {
  readonly id: string | undefined
  readonly event: string | undefined
  readonly data: string
  readonly retry: number | undefined
}

/**
 * Reads SSE events from a fetch response body. `next()` resolves with the next event,
 * or `undefined` at the end of the stream (or when the connection was aborted).
 */
export const sseReader = (response: Response) => {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  const queue: Array<SseEvent> = []
  let ended = false

  const parseBlock = (block: string): SseEvent | undefined => {
    let id: string | undefined
    let event: string | undefined
    let retry: number | undefined
    const data: Array<string> = []
    let fields = 0
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue
      const colon = line.indexOf(":")
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? "" : line.slice(colon + 1)
      if (value.startsWith(" ")) value = value.slice(1)
      fields++
      if (field === "id") id = value
      else if (field === "event") event = value
      else if (field === "retry") retry = Number(value)
      else if (field === "data") data.push(value)
    }
    return fields === 0 ? undefined : { id, event, retry, data: data.join("\n") }
  }

  const next = async (): Promise<SseEvent | undefined> => {
    for (;;) {
      const queued = queue.shift()
      if (queued !== undefined) return queued
      if (ended) return undefined
      let chunk: Awaited<ReturnType<typeof reader.read>>
      try {
        chunk = await reader.read()
      } catch {
        ended = true
        continue
      }
      if (chunk.done) {
        ended = true
        continue
      }
      buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n")
      let split = buffer.indexOf("\n\n")
      while (split >= 0) {
        const event = parseBlock(buffer.slice(0, split))
        if (event !== undefined) queue.push(event)
        buffer = buffer.slice(split + 2)
        split = buffer.indexOf("\n\n")
      }
    }
  }
  return { next, cancel: () => reader.cancel().catch(() => undefined) }
}

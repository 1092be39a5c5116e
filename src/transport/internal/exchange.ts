/** @internal */
// One HTTP request/response as the endpoint sees it. The node:http adapter and the
// @effect/platform HttpApp adapter each implement it; the endpoint logic is written once.

/** @internal */
export interface SseSink {
  readonly write: (chunk: string) => void
  readonly end: () => void
}

/** @internal */
export interface Exchange {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  readonly query: URLSearchParams
  /** Header value by lower-case name. */
  readonly header: (name: string) => string | undefined
  /** Reads the body as UTF-8, up to `limit` bytes. */
  readonly readBody: (limit: number, done: (body: string | "too-large" | "aborted") => void) => void
  readonly respond: (status: number, headers: Record<string, string>, body?: string) => void
  readonly openStream: (headers: Record<string, string>) => SseSink
  /** Called when the client goes away before the response ended. */
  readonly onAbort: (callback: () => void) => void
}

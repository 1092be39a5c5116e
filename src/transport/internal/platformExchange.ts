/** @internal */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Mailbox from "effect/Mailbox"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import type { Exchange, SseSink } from "./exchange.js"

/** @internal */
export interface PlatformExchange {
  readonly exchange: Exchange
  readonly response: Deferred.Deferred<HttpServerResponse.HttpServerResponse>
  /** Runs the abort callbacks: the client went away before the response ended. */
  readonly abort: () => void
}

/** @internal */
export const make = (
  request: HttpServerRequest.HttpServerRequest,
  runtime: Runtime.Runtime<never>
): Effect.Effect<PlatformExchange> =>
  Effect.map(Deferred.make<HttpServerResponse.HttpServerResponse>(), (response) => {
    const url = request.url
    const q = url.indexOf("?")
    const onAbort: Array<() => void> = []
    let ended = false
    const abort = () => {
      if (ended) return
      ended = true
      for (const callback of onAbort) callback()
    }
    const complete = (res: HttpServerResponse.HttpServerResponse) =>
      Runtime.runSync(runtime)(Deferred.succeed(response, res))
    const exchange: Exchange = {
      method: request.method,
      path: q < 0 ? url : url.slice(0, q),
      query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
      header: (name) => request.headers[name],
      readBody: (limit, done) => {
        if (Number(request.headers["content-length"]) > limit) return done("too-large")
        Runtime.runCallback(runtime)(request.text, {
          onExit: (exit) => {
            if (Exit.isFailure(exit)) return done("aborted")
            done(Buffer.byteLength(exit.value) > limit ? "too-large" : exit.value)
          }
        })
      },
      respond: (status, headers, body) => {
        ended = true
        const { "content-type": contentType, ...rest } = headers
        complete(
          body === undefined
            ? HttpServerResponse.empty({ status, headers: rest })
            : HttpServerResponse.text(body, { status, headers: rest, contentType: contentType ?? "application/json" })
        )
      },
      openStream: (headers): SseSink => {
        const mailbox = Runtime.runSync(runtime)(Mailbox.make<string>())
        const { "content-type": contentType, ...rest } = headers
        complete(HttpServerResponse.stream(
          Mailbox.toStream(mailbox).pipe(
            Stream.encodeText,
            Stream.ensuring(Effect.sync(abort))
          ),
          { status: 200, headers: rest, contentType: contentType ?? "text/event-stream" }
        ))
        return {
          write: (chunk) => void mailbox.unsafeOffer(chunk),
          end: () => {
            ended = true
            mailbox.unsafeDone(Exit.void)
          }
        }
      },
      onAbort: (callback) => void onAbort.push(callback)
    }
    return { exchange, response, abort }
  })

/**
 * @internal
 * Newline-delimited input with a bound on the line length. `readline` keeps a line in memory
 * however long it grows; here a line past `maxLineLength` is dropped as it arrives (memory
 * stays bounded) and reported once, when its newline comes, so the next line is served.
 */
import { StringDecoder } from "node:string_decoder"
import type { Readable } from "node:stream"

/** @internal */
export interface LineReader {
  /** Stops reading (backpressure): no `line` callbacks until `resume`. */
  readonly pause: () => void
  readonly resume: () => void
  readonly close: () => void
}

/** @internal */
export const make = (input: Readable, options: {
  readonly maxLineLength: number
  readonly onLine: (line: string) => void
  /** A line longer than the bound ended; `length` is how long it was. */
  readonly onOverlong: (length: number) => void
  readonly onClose: () => void
}): LineReader => {
  const decoder = new StringDecoder("utf8")
  let partial: Array<string> = []
  let partialLength = 0
  // Characters of an overlong line seen so far; -1 while the current line is within the bound.
  let overlong = -1
  let closed = false

  const take = (text: string) => {
    let start = 0
    while (start < text.length) {
      const newline = text.indexOf("\n", start)
      const end = newline < 0 ? text.length : newline
      const piece = text.slice(start, end)
      if (overlong >= 0) overlong += piece.length
      else if (partialLength + piece.length > options.maxLineLength) {
        overlong = partialLength + piece.length
        partial = []
        partialLength = 0
      } else if (piece.length > 0) {
        partial.push(piece)
        partialLength += piece.length
      }
      if (newline < 0) return
      start = newline + 1
      if (overlong >= 0) {
        const length = overlong
        overlong = -1
        options.onOverlong(length)
      } else {
        const line = partial.length === 1 ? partial[0]! : partial.join("")
        partial = []
        partialLength = 0
        options.onLine(line.endsWith("\r") ? line.slice(0, -1) : line)
      }
      if (closed) return
    }
  }

  const onData = (chunk: Buffer | string) => take(typeof chunk === "string" ? chunk : decoder.write(chunk))
  const onEnd = () => {
    if (closed) return
    take(decoder.end())
    // A last line without a newline is still a message.
    if (overlong >= 0) options.onOverlong(overlong)
    else if (partialLength > 0) options.onLine(partial.join(""))
    partial = []
    close()
  }
  const close = () => {
    if (closed) return
    closed = true
    input.off("data", onData)
    input.off("end", onEnd)
    input.off("close", onEnd)
    options.onClose()
  }
  input.on("data", onData)
  input.once("end", onEnd)
  input.once("close", onEnd)
  return {
    pause: () => void input.pause(),
    resume: () => void input.resume(),
    close
  }
}

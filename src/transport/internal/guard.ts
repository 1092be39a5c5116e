/**
 * @internal
 * The last line of defence at the Node edge. Code that runs in a Node callback (a request
 * listener, a body's `end`, a line from stdin, a fiber's observer) must never throw into the
 * event loop, where one hostile request would end the process and everything in flight with
 * it. Each such callback runs through `run`: a throw is logged as a defect and `recover`
 * answers the request that caused it.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"

/** @internal Reports a defect caught at the edge; never throws. */
export type OnDefect = (where: string, defect: unknown) => void

/** @internal Logs defects on `runtime`'s logger. */
export const reporter = (runtime: Runtime.Runtime<never>): OnDefect => {
  const runFork = Runtime.runFork(runtime)
  return (where, defect) => {
    try {
      runFork(Effect.logError(`Unexpected failure in ${where}; the request was answered with an internal error`, Cause.die(defect)))
    } catch {
      // The logger itself failed: nothing is left to tell, and the process must go on.
    }
  }
}

/** @internal Runs `f`; a throw is reported, then `recover` runs (its own throw is reported too). */
export const run = (onDefect: OnDefect, where: string, f: () => void, recover?: () => void): void => {
  try {
    f()
  } catch (defect) {
    onDefect(where, defect)
    if (recover === undefined) return
    try {
      recover()
    } catch (again) {
      onDefect(where, again)
    }
  }
}

/** @internal The neutral error a request gets when our own code failed on it. */
export const internalError = { code: -32603, message: "Internal error" } as const

/** @internal The JSON-RPC body of an internal error for a request whose id is not known. */
export const internalErrorText = `{"jsonrpc":"2.0","error":${JSON.stringify(internalError)}}`

/** @internal What a request interrupted at the end of a drain is answered, on every transport. */
export const shutDownError = {
  code: -32000,
  message: "Service Unavailable: the server shut down before the request finished"
} as const

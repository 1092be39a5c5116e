/** The stdio ceiling: a plain readline loop that answers JSON-RPC by hand. */
import { createInterface } from "node:readline"
import { readConfig } from "./common.ts"
import { makeDispatch } from "./plain-dispatch.ts"

const config = readConfig()
const dispatch = makeDispatch(config.extraTools)

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on("line", (line) => {
  if (line.length === 0) return
  let message
  try {
    message = JSON.parse(line)
  } catch {
    process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }) + "\n")
    return
  }
  const response = dispatch(message)
  if (response !== undefined) process.stdout.write(response + "\n")
})
lines.on("close", () => process.exit(0))

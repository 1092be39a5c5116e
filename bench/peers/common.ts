/**
 * Shared configuration for the benchmark peers. Only node built-ins here: the
 * Node 24 peer in ../peers-node24 imports this file too.
 *
 * Environment (same for every peer):
 *   PORT             HTTP port (required for HTTP)
 *   HOST             bind address, default 127.0.0.1
 *   MCP_STATELESS=1  stateless Streamable HTTP (no Mcp-Session-Id); otherwise legacy sessions
 *   MCP_TRANSPORT    "http" (default) or "stdio"; the flag --stdio does the same
 *   BENCH_TOOLS      number of extra generated tools (tool_0000 ...) for the tools/list scenario
 */

export interface PeerConfig {
  readonly transport: "http" | "stdio"
  readonly port: number
  readonly host: string
  readonly stateless: boolean
  readonly extraTools: number
}

const envFlag = (value: string | undefined): boolean =>
  value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false"

export const readConfig = (): PeerConfig => {
  const transport = process.argv.includes("--stdio") || process.env.MCP_TRANSPORT === "stdio" ? "stdio" : "http"
  const port = Number(process.env.PORT ?? "0")
  if (transport === "http" && !(Number.isInteger(port) && port > 0)) {
    throw new Error("PORT must be set to a positive integer for the HTTP transport")
  }
  const extraTools = Number(process.env.BENCH_TOOLS ?? "0")
  return {
    transport,
    port,
    host: process.env.HOST ?? "127.0.0.1",
    stateless: envFlag(process.env.MCP_STATELESS),
    extraTools: Number.isInteger(extraTools) && extraTools > 0 ? extraTools : 0
  }
}

export const SERVER_INFO = { name: "bench-peer", version: "1.0.0" } as const

export const ECHO_DESCRIPTION = "Echo the given text back"

/** Names of the generated tools: tool_0000 ... tool_0999. */
export const extraToolNames = (count: number): ReadonlyArray<string> =>
  Array.from({ length: count }, (_, i) => `tool_${String(i).padStart(4, "0")}`)

export const extraToolDescription = (name: string): string => `Generated tool ${name}: echoes its text`

/** Exit cleanly on SIGINT/SIGTERM so that --cpu-prof profiles get written. */
export const exitOnSignals = (cleanup?: () => unknown): void => {
  const stop = () => {
    Promise.resolve()
      .then(() => cleanup?.())
      .catch(() => undefined)
      .finally(() => process.exit(0))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

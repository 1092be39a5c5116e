/**
 * FastMCP 4.x, configured as its README shows: httpStream transport on /mcp,
 * `stateless: true` with `enableJsonResponse: true` for the stateless scenario,
 * the default stateful sessions otherwise, and transportType "stdio" for stdio.
 */
import { FastMCP } from "fastmcp"
import { z } from "zod"
import { ECHO_DESCRIPTION, SERVER_INFO, exitOnSignals, extraToolDescription, extraToolNames, readConfig } from "./common.ts"

const config = readConfig()
const parameters = z.object({ text: z.string() })

const server = new FastMCP({ name: SERVER_INFO.name, version: SERVER_INFO.version })
server.addTool({ name: "echo", description: ECHO_DESCRIPTION, parameters, execute: async ({ text }) => text })
for (const name of extraToolNames(config.extraTools)) {
  server.addTool({ name, description: extraToolDescription(name), parameters, execute: async ({ text }) => text })
}

if (config.transport === "stdio") {
  await server.start({ transportType: "stdio" })
} else {
  await server.start({
    transportType: "httpStream",
    httpStream: config.stateless
      ? { port: config.port, host: config.host, endpoint: "/mcp", stateless: true, enableJsonResponse: true }
      : { port: config.port, host: config.host, endpoint: "/mcp" }
  })
  exitOnSignals(() => server.stop())
}

// The official MCP conformance suite against examples/conformance-server.ts: what
// `npm run conformance` does (test/conformance/run.ts), as part of `npm test`. The runner
// installs the pinned suite on first use, starts the fixture on a free loopback port, runs
// every legacy scenario and the 2026-07-28 set, and exits non-zero on any failure that
// test/conformance/expected-failures.yml does not list.
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../..", import.meta.url))

const runConformance = (signal: AbortSignal) =>
  new Promise<{ readonly code: number | null; readonly output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/conformance/run.ts"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"]
    })
    // On a timeout the runner gets SIGTERM and stops the fixture and the suite's processes.
    signal.addEventListener("abort", () => child.kill("SIGTERM"), { once: true })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, output }))
  })

it("passes the official MCP conformance suite (legacy revisions and 2026-07-28)", async ({ signal }) => {
  const { code, output } = await runConformance(signal)
  // The runner's table and problem list are the failure message.
  expect(code, output).toBe(0)
}, 300_000)

// The benchmark harness cannot rot: every contender starts and answers one verified
// tools/call over HTTP and stdio (bench/smoke.ts), and scenario 7's server starts once with
// the full production stack (JWT auth, rate limit, metrics, tracing) and answers one
// authenticated tools/call. Ours must always run. The peers are optional: .ci/run installs
// them and sets BENCH_PEERS_REQUIRED=1, and then no skip is allowed; elsewhere (a fresh clone
// after `npm install`, with or without CI=true) a peer whose packages are absent is skipped and
// the smoke script prints why and how to install it.
import { execFile } from "node:child_process"
import { describe, expect, it } from "vitest"
import { baseEnv, nodeCommand, ROOT } from "../utils/process.js"

describe("bench smoke", () => {
  it("each contender answers one tools/call", async () => {
    const { args, command } = nodeCommand("bench/smoke.ts")
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(command, args, { cwd: ROOT, env: baseEnv(), timeout: 540_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: stdout + stderr }))
    )
    console.log(output)
    expect(code, output).toBe(0)
    expect(output).toMatch(/^smoke ours\s+http\s+ok/m)
    expect(output).toMatch(/^smoke ours\s+stdio\s+ok/m)
    expect(output).toMatch(/^smoke ours-stack\s+http\s+ok/m)
    if (process.env.BENCH_PEERS_REQUIRED === "1") {
      expect(output, ".ci/run installed every peer: nothing may be skipped").toMatch(/, 0 skipped/)
    }
  }, 600_000)
})

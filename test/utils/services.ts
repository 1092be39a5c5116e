// Real services the integration tests reach on 127.0.0.1 (no container engine here): a check
// that one answers, and the rule for when it does not: in CI (CI=true) the test file fails,
// elsewhere its tests are skipped with a message that names the service and how to start it.
import * as net from "node:net"

/** True when a Redis server answers PING at host:port within `timeoutMs`. */
export const redisAnswers = (host = "127.0.0.1", port = 6379, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port })
    let reply = ""
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once("error", () => done(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8")
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"))
    })
  })

/**
 * Whether the tests that need `service` may run. Missing in CI: throws, so the file fails.
 * Missing elsewhere: prints why the tests are skipped and how to start the service.
 */
export const requireService = (service: string, available: boolean, howToStart: string): boolean => {
  if (available) return true
  const message = `${service} is not reachable; ${howToStart}`
  if (process.env.CI === "true") throw new Error(`CI needs ${message}`)
  console.warn(`Skipping the tests that need ${message}`)
  return false
}

/** True when something accepts TCP connections on Postgres's port within `timeoutMs`. */
export const postgresAnswers = (host = "127.0.0.1", port = 5432, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once("error", () => done(false))
    socket.once("connect", () => done(true))
  })

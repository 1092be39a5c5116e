// Health checks against the real things: the machine's Redis and Postgres on 127.0.0.1, and a
// node:http server this test starts. In CI a missing service fails the file; elsewhere its
// tests are skipped with a message that says how to start it.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Reactivity from "@effect/experimental/Reactivity"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { Redis } from "ioredis"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Health } from "../../src/index.js"
import { postgresAnswers, redisAnswers, requireService } from "../utils/services.js"

const redisUp = requireService(
  "Redis on 127.0.0.1:6379",
  await redisAnswers(),
  "start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
)
const postgresUp = requireService(
  "Postgres on 127.0.0.1:5432 (database test)",
  await postgresAnswers(),
  "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)

describe.skipIf(!redisUp)("Health.redis against the real server", () => {
  it.effect("healthy when PING answers; a HealthCheckError when nothing listens", () =>
    Effect.gen(function*() {
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: false })),
        (redis) => Effect.promise(() => redis.quit())
      )
      assert.deepStrictEqual(yield* Health.redis(client), Health.healthy)
      // Port 1: connection refused at once, no retries.
      const dead = yield* Effect.acquireRelease(
        Effect.sync(() =>
          new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null })
        ),
        (redis) => Effect.sync(() => redis.disconnect())
      )
      const error = yield* Effect.flip(Health.redis(dead))
      assert.strictEqual(error._tag, "HealthCheckError")
      assert.strictEqual(error.check, "redis")
    }).pipe(Effect.scoped))
})

describe.skipIf(!postgresUp)("Health.postgres against the real server", () => {
  it.effect("healthy when SELECT 1 answers through @effect/sql-pg; a HealthCheckError once the pool is closed", () =>
    Effect.gen(function*() {
      const sql = yield* PgClient.PgClient
      assert.deepStrictEqual(yield* Health.postgres(sql), Health.healthy)
      // A pool whose scope has closed (its connections ended) answers no query.
      const closed = yield* Effect.scoped(
        PgClient.make({ host: "127.0.0.1", port: 5432, username: "postgres", database: "test" })
      ).pipe(Effect.provide(Reactivity.layer))
      const error = yield* Effect.flip(Health.postgres(closed))
      assert.strictEqual(error._tag, "HealthCheckError")
      assert.strictEqual(error.check, "postgres")
    }).pipe(
      Effect.provide(PgClient.layer({ host: "127.0.0.1", port: 5432, username: "postgres", database: "test", password: Redacted.make("") }))
    ))
})

describe("Health.httpGet against a real HTTP server", () => {
  it.effect("healthy on 2xx, unhealthy on 5xx, a failure when nothing listens", () =>
    Effect.gen(function*() {
      const server = yield* Effect.acquireRelease(
        Effect.async<http.Server>((resume) => {
          const s = http.createServer((req, res) => {
            res.writeHead(req.url === "/ok" ? 200 : 503).end("x")
          })
          s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
        }),
        (s) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
      )
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      assert.deepStrictEqual(yield* Health.httpGet(`${base}/ok`), Health.healthy)
      const down = yield* Health.httpGet(`${base}/down`)
      assert.strictEqual(down._tag, "Unhealthy")
      const refused = yield* Effect.either(Health.httpGet("http://127.0.0.1:1/"))
      assert.isTrue(refused._tag === "Left")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)))
})

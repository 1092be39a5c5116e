// The tasks extension (io.modelcontextprotocol/tasks, 2026-07-28), driven through the TestClient
// and McpServer.handleModern.
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Option, Queue, Schema, TestClock } from "effect"
import type { JsonRpc } from "turbomcp-server"
import { McpError, McpServer, TaskStore, Tool } from "turbomcp-server"
import { TestClient } from "turbomcp-server/testing"

const TASKS = "io.modelcontextprotocol/tasks"
const withTasks = { elicitation: {}, extensions: { [TASKS]: {} } }
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/

const serverWith = (...tools: ReadonlyArray<Tool.Tool>) =>
  McpServer.tools(...tools).pipe(
    Layer.provideMerge(McpServer.layer({ name: "tasks-test", version: "1.0.0", tasks: { pollIntervalMs: 5 } }))
  )

type Outbound = Parameters<McpServer.McpServer["Type"]["handleModern"]>[1]

const accept = (content: Record<string, unknown>) => ({ action: "accept", content })

/** Polls tasks/get until `done` holds. */
const pollUntil = (client: TestClient.TestClient, taskId: string, done: (task: any) => boolean) =>
  Effect.gen(function*() {
    for (;;) {
      const task = yield* client.modernOnce("tasks/get", { taskId })
      if (done(task)) return task
      yield* Effect.sleep("2 millis")
    }
  })

// A task tool that signals when it starts and when it is interrupted, and never ends otherwise.
const foreverTool = (started: Deferred.Deferred<void>, interrupted: Deferred.Deferred<void>) =>
  Tool.make("forever", { description: "Never ends", task: "optional" }).handle(() =>
    Deferred.succeed(started, undefined).pipe(
      Effect.zipRight(Effect.never),
      Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
    )
  )

describe("tasks extension", () => {
  it.live("creates a task, reports it working, then completed with the tool's result", () =>
    Effect.gen(function*() {
      const release = yield* Deferred.make<void>()
      const Compute = Tool.make("compute", { description: "Waits, then answers", task: "optional" })
        .handle(() => Effect.as(Deferred.await(release), "done"))
      return yield* Effect.gen(function*() {
        const client = yield* TestClient.make({ capabilities: withTasks })
        const created = yield* client.modernOnce("tools/call", { name: "compute", arguments: {}, task: { ttl: 1 } })
        assert.strictEqual(created.resultType, "task")
        assert.strictEqual(typeof created.taskId, "string")
        assert.isAtLeast(created.taskId.length, 32)
        assert.strictEqual(created.status, "working")
        assert.match(created.createdAt, ISO)
        assert.match(created.lastUpdatedAt, ISO)
        assert.strictEqual(created.ttlMs, 3_600_000)
        assert.strictEqual(created.pollIntervalMs, 5)
        for (const key of ["task", "result", "error", "inputRequests", "requestState", "ttl", "pollInterval"]) {
          assert.isFalse(key in created, key)
        }

        const working = yield* client.modernOnce("tasks/get", { taskId: created.taskId })
        assert.strictEqual(working.resultType, "complete")
        assert.strictEqual(working.taskId, created.taskId)
        assert.strictEqual(working.status, "working")
        assert.isFalse("requestState" in working)

        yield* Deferred.succeed(release, undefined)
        const done = yield* client.awaitTask(created.taskId)
        assert.strictEqual(done.resultType, "complete")
        assert.strictEqual(done.status, "completed")
        assert.deepStrictEqual(done.result, { content: [{ type: "text", text: "done" }] })
        assert.isFalse("error" in done)

        // Without the capability the same tool runs synchronously.
        const sync = yield* client.modernOnce("tools/call", { name: "compute", arguments: {} }, { capabilities: {} })
        assert.strictEqual(sync.resultType, "complete")
        assert.deepStrictEqual(sync.content, [{ type: "text", text: "done" }])
        assert.isFalse("taskId" in sync)
      }).pipe(Effect.provide(serverWith(Compute)))
    }).pipe(Effect.scoped))

  it.live("a failing tool completes with isError; a protocol error fails the task", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ capabilities: withTasks })
      const failing = yield* client.modernOnce("tools/call", { name: "failing_job", arguments: {} })
      assert.strictEqual(failing.resultType, "task")
      const completed = yield* client.awaitTask(failing.taskId)
      assert.strictEqual(completed.status, "completed")
      assert.deepStrictEqual(completed.result, { content: [{ type: "text", text: "the job broke" }], isError: true })

      const protocol = yield* client.modernOnce("tools/call", { name: "protocol_error_job", arguments: {} })
      const failed = yield* client.awaitTask(protocol.taskId)
      assert.strictEqual(failed.status, "failed")
      assert.deepStrictEqual(failed.error, { code: -32603, message: "upstream unavailable" })
      assert.strictEqual(failed.statusMessage, "upstream unavailable")
      assert.isFalse("result" in failed)
    }).pipe(
      Effect.provide(serverWith(
        Tool.make("failing_job", { description: "Fails", task: "required" }).handle(() => Effect.fail("the job broke")),
        Tool.make("protocol_error_job", { description: "Fails at the protocol level", task: "required" })
          .handle(() => Effect.fail(new McpError.InternalError({ message: "upstream unavailable" })))
      )),
      Effect.scoped
    ))

  it.live("cancel interrupts the handler, marks the task cancelled at once, and is idempotent", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const Forever = foreverTool(started, interrupted)
      return yield* Effect.gen(function*() {
        const client = yield* TestClient.make({ capabilities: withTasks })
        const created = yield* client.modernOnce("tools/call", { name: "forever", arguments: {} })
        yield* Deferred.await(started)
        const ack = yield* client.modernOnce("tasks/cancel", { taskId: created.taskId })
        assert.strictEqual(ack.resultType, "complete")
        for (const key of ["taskId", "status", "result", "error"]) assert.isFalse(key in ack, key)
        const cancelled = yield* client.modernOnce("tasks/get", { taskId: created.taskId })
        assert.strictEqual(cancelled.status, "cancelled")
        yield* Deferred.await(interrupted)
        // Still cancelled after the handler's own ending, and cancelling again is acked.
        assert.strictEqual((yield* client.modernOnce("tasks/get", { taskId: created.taskId })).status, "cancelled")
        assert.strictEqual((yield* client.modernOnce("tasks/cancel", { taskId: created.taskId })).resultType, "complete")
      }).pipe(Effect.provide(serverWith(Forever)))
    }).pipe(Effect.scoped))

  it.live("input_required: tasks/update answers some keys at once, ignores others, and the task resumes", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ capabilities: withTasks })
      const created = yield* client.modernOnce("tools/call", { name: "multi_input", arguments: {} })
      const waiting = yield* pollUntil(
        client,
        created.taskId,
        (t) => t.status === "input_required" && Object.keys(t.inputRequests).length === 2
      )
      assert.deepStrictEqual(Object.keys(waiting.inputRequests).sort(), ["first", "second"])
      assert.strictEqual(waiting.inputRequests.first.method, "elicitation/create")
      assert.strictEqual(waiting.inputRequests.first.params.message, "First name?")

      const ack = yield* client.modernOnce("tasks/update", {
        taskId: created.taskId,
        inputResponses: { first: accept({ name: "Ada" }), "unknown-key": { ignored: true } }
      })
      assert.deepStrictEqual(Object.keys(ack).sort(), ["_meta", "resultType"])
      const partial = yield* client.modernOnce("tasks/get", { taskId: created.taskId })
      assert.strictEqual(partial.status, "input_required")
      assert.deepStrictEqual(Object.keys(partial.inputRequests), ["second"])

      // Answering an answered key again changes nothing.
      yield* client.modernOnce("tasks/update", { taskId: created.taskId, inputResponses: { first: accept({ name: "X" }) } })
      assert.deepStrictEqual(
        Object.keys((yield* client.modernOnce("tasks/get", { taskId: created.taskId })).inputRequests),
        ["second"]
      )

      yield* client.modernOnce("tasks/update", { taskId: created.taskId, inputResponses: { second: accept({ name: "Lin" }) } })
      const done = yield* client.awaitTask(created.taskId)
      assert.strictEqual(done.status, "completed")
      assert.deepStrictEqual(done.result.content, [{ type: "text", text: "Ada and Lin" }])
    }).pipe(
      Effect.provide(serverWith(
        Tool.make("multi_input", { description: "Asks two questions at once", task: "required" }).handle(() =>
          Effect.gen(function*() {
            const ctx = yield* McpServer.Context
            const Name = Schema.Struct({ name: Schema.String })
            const [a, b] = yield* Effect.all([
              ctx.elicit("First name?", Name, { key: "first" }),
              ctx.elicit("Second name?", Name, { key: "second" })
            ], { concurrency: "unbounded" })
            return a.action === "accept" && b.action === "accept" ? `${a.content.name} and ${b.content.name}` : "declined"
          })
        )
      )),
      Effect.scoped
    ))

  it.scoped("a task-required tool without the capability gets -32021 with the extension as data", () =>
    Effect.gen(function*() {
      const modern = yield* TestClient.make({ capabilities: {} })
      const error = yield* Effect.flip(modern.modern("tools/call", { name: "required_job", arguments: {} }))
      assert.strictEqual(error.code, -32021)
      assert.deepStrictEqual(error.data, { requiredCapabilities: { extensions: { [TASKS]: {} } } })

      // tasks/* check the capability before looking the task up.
      for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
        const gate = yield* Effect.flip(modern.modernOnce(method, { taskId: "gate-test", inputResponses: {} }))
        assert.strictEqual(gate.code, -32021, method)
      }
      const declaring = yield* TestClient.make({ capabilities: withTasks })
      const unknown = yield* Effect.flip(declaring.modernOnce("tasks/get", { taskId: "nonexistent-12345" }))
      assert.strictEqual(unknown.code, -32602)
      for (const method of ["tasks/result", "tasks/list"]) {
        assert.strictEqual((yield* Effect.flip(declaring.modernOnce(method, { taskId: "x" }))).code, -32601)
      }

      // Legacy revisions have no tasks extension.
      const legacy = yield* TestClient.make()
      const init = yield* legacy.initialize
      assert.isUndefined(init.capabilities.extensions)
      assert.strictEqual((yield* Effect.flip(legacy.callTool("required_job"))).code, -32600)
      const discover = yield* declaring.modernOnce("server/discover")
      assert.deepStrictEqual(discover.capabilities.extensions, { [TASKS]: {} })
      assert.isUndefined(discover.capabilities.tasks)
    }).pipe(Effect.provide(serverWith(
      Tool.make("required_job", { description: "Needs a task", task: "required" }).handle(() => Effect.succeed("ok"))
    ))))

  it.live("manual detach: MRTR rounds first, then a CreateTaskResult, then in-task input", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({
        capabilities: withTasks,
        onElicit: (p) => Effect.succeed(accept(p.message === "Your name?" ? { name: "Alice" } : { confirm: true }))
      })
      const r1 = yield* client.modernOnce("tools/call", { name: "test_tool_with_task", arguments: {} })
      assert.strictEqual(r1.resultType, "input_required")
      assert.isFalse("taskId" in r1)
      assert.deepStrictEqual(Object.keys(r1.inputRequests), ["user_name"])

      const r2 = yield* client.modernOnce("tools/call", {
        name: "test_tool_with_task",
        arguments: {},
        inputResponses: { user_name: accept({ name: "Alice" }) },
        requestState: r1.requestState
      })
      assert.strictEqual(r2.resultType, "task")
      assert.isFalse("requestState" in r2)
      assert.isFalse("inputRequests" in r2)

      // After detaching, the handler's elicitation is the task's input request.
      const waiting = yield* client.awaitTask(r2.taskId, { until: ["input_required"] })
      assert.strictEqual(waiting.status, "input_required")
      assert.deepStrictEqual(Object.keys(waiting.inputRequests), ["confirm"])
      const done = yield* client.awaitTask(r2.taskId)
      assert.strictEqual(done.status, "completed")
      assert.deepStrictEqual(done.result.content, [{ type: "text", text: "Hello, Alice! (confirmed)" }])

      // The same tool through `modern`, which answers the MRTR rounds itself.
      const again = yield* client.modern("tools/call", { name: "test_tool_with_task", arguments: {} })
      assert.strictEqual(again.resultType, "task")
      assert.strictEqual((yield* client.awaitTask(again.taskId)).status, "completed")
    }).pipe(
      Effect.provide(serverWith(
        Tool.make("test_tool_with_task", {
          description: "Asks for a name, then goes on as a task",
          task: "required",
          taskDetach: "manual"
        }).handle(() =>
          Effect.gen(function*() {
            const ctx = yield* McpServer.Context
            const name = yield* ctx.elicit("Your name?", Schema.Struct({ name: Schema.String }), { key: "user_name" })
            if (name.action !== "accept") return "no name"
            yield* ctx.detach
            const ok = yield* ctx.elicit("Sure?", Schema.Struct({ confirm: Schema.Boolean }), { key: "confirm" })
            return `Hello, ${name.content.name}!${ok.action === "accept" && ok.content.confirm ? " (confirmed)" : ""}`
          })
        )
      )),
      Effect.scoped
    ))

  it.live("in-task input keys are never reused within a task", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ capabilities: withTasks })
      const created = yield* client.modernOnce("tools/call", { name: "twice", arguments: {} })
      const first = yield* pollUntil(client, created.taskId, (t) => t.status === "input_required")
      assert.deepStrictEqual(Object.keys(first.inputRequests), ["ask"])
      yield* client.modernOnce("tasks/update", { taskId: created.taskId, inputResponses: { ask: accept({ n: 1 }) } })
      const second = yield* pollUntil(client, created.taskId, (t) => t.status === "input_required")
      assert.deepStrictEqual(Object.keys(second.inputRequests), ["ask-2"])
      // A late answer under the old key is ignored.
      yield* client.modernOnce("tasks/update", { taskId: created.taskId, inputResponses: { ask: accept({ n: 9 }) } })
      yield* client.modernOnce("tasks/update", { taskId: created.taskId, inputResponses: { "ask-2": accept({ n: 2 }) } })
      const done = yield* pollUntil(client, created.taskId, (t) => t.status === "completed")
      assert.deepStrictEqual(done.result.content, [{ type: "text", text: "3" }])
    }).pipe(
      Effect.provide(serverWith(
        Tool.make("twice", { description: "Asks twice under one key", task: "required" }).handle(() =>
          Effect.gen(function*() {
            const ctx = yield* McpServer.Context
            const N = Schema.Struct({ n: Schema.Number })
            const a = yield* ctx.elicit("n?", N, { key: "ask" })
            const b = yield* ctx.elicit("n?", N, { key: "ask" })
            return String((a.action === "accept" ? a.content.n : 0) + (b.action === "accept" ? b.content.n : 0))
          })
        )
      )),
      Effect.scoped
    ))

  it.scoped("a task is kept until its TTL, then forgotten and its work stopped", () =>
    Effect.gen(function*() {
      const interrupted = yield* Deferred.make<void>()
      const Long = Tool.make("long", { description: "Runs a long time", task: "optional" }).handle(() =>
        Effect.as(Effect.onInterrupt(Effect.sleep("1 hour"), () => Deferred.succeed(interrupted, undefined)), "late")
      )
      return yield* Effect.gen(function*() {
        const client = yield* TestClient.make({ capabilities: withTasks })
        const created = yield* client.modernOnce("tools/call", { name: "long", arguments: {} })
        assert.strictEqual(created.ttlMs, 60_000)
        yield* TestClock.adjust("59 seconds")
        assert.strictEqual((yield* client.modernOnce("tasks/get", { taskId: created.taskId })).status, "working")
        yield* TestClock.adjust("1 second")
        yield* Deferred.await(interrupted)
        const gone = yield* Effect.flip(client.modernOnce("tasks/get", { taskId: created.taskId }))
        assert.strictEqual(gone.code, -32602)
      }).pipe(Effect.provide(
        McpServer.tools(Long).pipe(
          Layer.provideMerge(McpServer.layer({ name: "t", version: "1", tasks: { ttlMs: 60_000 } }))
        )
      ))
    }))

  it.scoped("shutting the server down interrupts running tasks", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const Forever = foreverTool(started, interrupted)
      const store = yield* TaskStore.make
      const taskId = yield* Effect.gen(function*() {
        const client = yield* TestClient.make({ capabilities: withTasks })
        const created = yield* client.modernOnce("tools/call", { name: "forever", arguments: {} })
        yield* Deferred.await(started)
        return created.taskId as string
      }).pipe(Effect.provide(serverWith(Forever)), Effect.provideService(TaskStore.TaskStore, store), Effect.scoped)
      yield* Deferred.await(interrupted)
      // The user's store outlives the server and tells what happened.
      const task = Option.getOrThrow(yield* store.get(taskId))
      assert.strictEqual(task.status, "failed")
      assert.strictEqual(task.error?.code, -32603)
    }))

  it.live("tasks belong to the principal that created them; listen streams get their status", () =>
    Effect.gen(function*() {
      const release = yield* Deferred.make<void>()
      const Job = Tool.make("job", { description: "Waits", task: "optional" })
        .handle(() => Effect.as(Deferred.await(release), "finished"))
      return yield* Effect.gen(function*() {
        const server = yield* McpServer.McpServer
        const sent = yield* Queue.unbounded<{ method: string; params: any }>()
        const outbound: Outbound = {
          notify: (method, params) => Queue.offer(sent, { method, params }),
          request: () => Effect.die("no server requests in this test"),
          closeStream: Effect.void
        }
        let id = 0
        const call = (method: string, params: Record<string, unknown>, subject: string, capabilities: object = withTasks) =>
          Effect.map(
            server.handleModern(
              {
                _tag: "Request",
                id: ++id,
                method,
                params: {
                  ...params,
                  _meta: {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientCapabilities": capabilities
                  }
                }
              } satisfies JsonRpc.Request,
              outbound,
              { principal: { subject, scopes: [], claims: {} } }
            ),
            (reply) => JSON.parse(reply.text)
          )
        const created = (yield* call("tools/call", { name: "job", arguments: {} }, "alice")).result
        assert.strictEqual((yield* call("tasks/get", { taskId: created.taskId }, "alice")).result.status, "working")
        assert.strictEqual((yield* call("tasks/get", { taskId: created.taskId }, "bob")).error.code, -32602)
        assert.strictEqual((yield* call("tasks/cancel", { taskId: created.taskId }, "bob")).error.code, -32602)

        const refused = yield* call("subscriptions/listen", { notifications: { taskIds: [created.taskId] } }, "alice", {})
        assert.strictEqual(refused.error.code, -32021)
        const listen = yield* Effect.fork(
          call("subscriptions/listen", { notifications: { taskIds: [created.taskId, "someone-elses"] } }, "alice")
        )
        const ack = yield* Queue.take(sent)
        assert.strictEqual(ack.method, "notifications/subscriptions/acknowledged")
        assert.deepStrictEqual(ack.params.notifications, { taskIds: [created.taskId] })
        yield* Deferred.succeed(release, undefined)
        const status = yield* Queue.take(sent)
        assert.strictEqual(status.method, "notifications/tasks")
        assert.strictEqual(status.params.taskId, created.taskId)
        assert.strictEqual(status.params.status, "completed")
        assert.deepStrictEqual(status.params.result, { content: [{ type: "text", text: "finished" }] })
        assert.isDefined(status.params._meta["io.modelcontextprotocol/subscriptionId"])
        yield* Fiber.interrupt(listen)
      }).pipe(Effect.provide(serverWith(Job)))
    }).pipe(Effect.scoped))
})

import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Completion } from "turbomcp-server"

const range = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`)

describe("Completion", () => {
  it("a list becomes values with total and hasMore", () => {
    assert.deepStrictEqual(Completion.toResult(["a", "b"]), { values: ["a", "b"], total: 2, hasMore: false })
    assert.deepStrictEqual(Completion.toResult([]), { values: [], total: 0, hasMore: false })
  })

  it("caps answers at 100 values and says there are more", () => {
    assert.strictEqual(Completion.maxValues, 100)
    const exactly = Completion.toResult(range(100))
    assert.strictEqual(exactly.values.length, 100)
    assert.strictEqual(exactly.hasMore, false)
    const over = Completion.toResult(range(250))
    assert.deepStrictEqual(over.values, range(100))
    assert.strictEqual(over.total, 250)
    assert.strictEqual(over.hasMore, true)
  })

  it("a full result passes through, capped the same way", () => {
    assert.deepStrictEqual(Completion.toResult({ values: ["x"], total: 10, hasMore: true }), { values: ["x"], total: 10, hasMore: true })
    const capped = Completion.toResult({ values: range(101), total: 5000 })
    assert.strictEqual(capped.values.length, 100)
    assert.strictEqual(capped.total, 5000)
    assert.strictEqual(capped.hasMore, true)
  })

  it.effect("fromList completes by case-insensitive prefix, keeping the list's order", () =>
    Effect.gen(function*() {
      const complete = Completion.fromList(["Red", "green", "blue", "black"])
      assert.deepStrictEqual(yield* complete("b", {}), ["blue", "black"])
      assert.deepStrictEqual(yield* complete("R", {}), ["Red"])
      assert.deepStrictEqual(yield* complete("", {}), ["Red", "green", "blue", "black"])
      assert.deepStrictEqual(yield* complete("purple", {}), [])
    }))
})

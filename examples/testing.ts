// examples/testing.ts: testing a server in memory, with a mock service swapped in by a layer.
import { NodeRuntime } from "@effect/platform-node"
import { Context, Effect, Layer, Schema } from "effect"
import { McpServer, Tool } from "turbomcp-server"
import { TestClient } from "turbomcp-server/testing"

class Weather extends Context.Tag("Weather")<Weather, {
  readonly forecast: (city: string) => Effect.Effect<string>
}>() {}

const Forecast = Tool.make("forecast", {
  description: "Tomorrow's weather for a city",
  parameters: { city: Schema.String }
}).handle(({ city }) => Effect.flatMap(Weather, (weather) => weather.forecast(city)))

// In production this layer would call a real API; the test swaps in a mock.
const WeatherMock = Layer.succeed(Weather, Weather.of({ forecast: (city) => Effect.succeed(`Sunny in ${city}`) }))

const program = Effect.gen(function*() {
  const client = yield* TestClient.make()
  yield* client.initialize
  const result = yield* client.callTool("forecast", { city: "Lisbon" })
  yield* Effect.log(JSON.stringify(result.content))
  if (JSON.stringify(result.content) !== `[{"type":"text","text":"Sunny in Lisbon"}]`) {
    return yield* Effect.dieMessage("unexpected answer")
  }
})

const TestServer = McpServer.tools(Forecast).pipe(
  Layer.provide(WeatherMock),
  Layer.provideMerge(McpServer.layer({ name: "weather", version: "1.0.0" }))
)

NodeRuntime.runMain(program.pipe(Effect.scoped, Effect.provide(TestServer)))

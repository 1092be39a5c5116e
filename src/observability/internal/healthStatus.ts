/** @internal */
import * as Schema from "effect/Schema"

/** @internal */
export class Healthy extends Schema.TaggedClass<Healthy>("turbomcp/Health/Healthy")("Healthy", {}) {}

/** @internal */
export class Degraded extends Schema.TaggedClass<Degraded>("turbomcp/Health/Degraded")("Degraded", {
  reasons: Schema.Array(Schema.String)
}) {}

/** @internal */
export class Unhealthy extends Schema.TaggedClass<Unhealthy>("turbomcp/Health/Unhealthy")("Unhealthy", {
  reason: Schema.String
}) {}

/** @internal */
export const HealthStatus = Schema.Union(Healthy, Degraded, Unhealthy)

/** @internal */
export type HealthStatus = typeof HealthStatus.Type

/** @internal */
export class CheckResult extends Schema.Class<CheckResult>("turbomcp/Health/CheckResult")({
  name: Schema.String,
  status: HealthStatus,
  critical: Schema.Boolean,
  latencyMs: Schema.Number
}) {}

/** @internal */
export class HealthReport extends Schema.Class<HealthReport>("turbomcp/Health/HealthReport")({
  status: HealthStatus,
  draining: Schema.Boolean,
  checks: Schema.Array(CheckResult)
}) {}

/** @internal */
export class HealthCheckError extends Schema.TaggedError<HealthCheckError>("turbomcp/Health/HealthCheckError")(
  "HealthCheckError",
  {
    check: Schema.String,
    reason: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  override get message(): string {
    return `${this.check}: ${this.reason}`
  }
}

/** @internal */
export const healthy: Healthy = new Healthy()

/** @internal */
export const degraded = (...reasons: ReadonlyArray<string>): Degraded => new Degraded({ reasons })

/** @internal */
export const unhealthy = (reason: string): Unhealthy => new Unhealthy({ reason })

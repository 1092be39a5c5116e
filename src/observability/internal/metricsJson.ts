/** @internal */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type * as MetricPair from "effect/MetricPair"
import * as MetricState from "effect/MetricState"
import * as Option from "effect/Option"
import { McpMetrics } from "./metrics.js"

/** @internal */
export interface MetricJson {
  readonly name: string
  readonly type: "counter" | "gauge" | "histogram" | "frequency" | "summary"
  readonly description?: string
  readonly labels: Readonly<Record<string, string>>
  /** Counters and gauges. */
  readonly value?: number
  /** Histograms and summaries. */
  readonly count?: number
  readonly sum?: number
  readonly min?: number
  readonly max?: number
  /** Histograms: `[upperBound, cumulativeCount]`, as Effect keeps them; the last bound may be `"+Inf"`. */
  readonly buckets?: ReadonlyArray<readonly [number | "+Inf", number]>
  /** Summaries: `[quantile, value]`; `null` when no sample fell in the window. */
  readonly quantiles?: ReadonlyArray<readonly [number, number | null]>
  /** Frequencies: occurrences per value. */
  readonly occurrences?: Readonly<Record<string, number>>
}

/** @internal */
export interface SnapshotOptions {
  /** Only metrics whose name starts with this. */
  readonly prefix?: string | undefined
}

// Infinity (a histogram's last bound) is not JSON: it is written as Prometheus writes it.
const bound = (n: number): number | "+Inf" => (Number.isFinite(n) ? n : "+Inf")

const toJson = (pair: MetricPair.MetricPair.Untyped): MetricJson | undefined => {
  const key = pair.metricKey
  const state: unknown = pair.metricState
  const labels: Record<string, string> = {}
  for (const label of key.tags) labels[label.key] = label.value
  const base = {
    name: key.name,
    labels,
    ...(Option.isSome(key.description) ? { description: key.description.value } : {})
  }
  if (MetricState.isCounterState(state)) return { ...base, type: "counter", value: Number(state.count) }
  if (MetricState.isGaugeState(state)) return { ...base, type: "gauge", value: Number(state.value) }
  if (MetricState.isHistogramState(state)) {
    return {
      ...base,
      type: "histogram",
      count: state.count,
      sum: state.sum,
      min: state.count === 0 ? 0 : state.min,
      max: state.count === 0 ? 0 : state.max,
      buckets: state.buckets.map(([le, n]) => [bound(le), n] as const)
    }
  }
  if (MetricState.isSummaryState(state)) {
    return {
      ...base,
      type: "summary",
      count: state.count,
      sum: state.sum,
      min: state.min,
      max: state.max,
      quantiles: state.quantiles.map(([q, v]) => [q, Option.getOrNull(v)] as const)
    }
  }
  if (MetricState.isFrequencyState(state)) {
    return { ...base, type: "frequency", occurrences: Object.fromEntries(state.occurrences) }
  }
  return undefined
}

/** @internal */
export const snapshot = (options?: SnapshotOptions): Effect.Effect<ReadonlyArray<MetricJson>> =>
  Effect.gen(function*() {
    // Gauges sampled at read time (sessions) are brought up to date first.
    const metrics = yield* Effect.serviceOption(McpMetrics)
    if (Option.isSome(metrics)) yield* metrics.value.sample
    const pairs = yield* Metric.snapshot
    const prefix = options?.prefix
    const out: Array<MetricJson> = []
    for (const pair of pairs) {
      if (prefix !== undefined && !pair.metricKey.name.startsWith(prefix)) continue
      const json = toJson(pair)
      if (json !== undefined) out.push(json)
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  })

/** @internal */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** @internal */
export class MetricsExportError extends Schema.TaggedError<MetricsExportError>("turbomcp/Metrics/MetricsExportError")(
  "MetricsExportError",
  { cause: Schema.optional(Schema.Defect) }
) {
  override get message(): string {
    return "Collecting metrics failed"
  }
}

/** @internal */
export interface ExporterOptions {
  readonly serviceName?: string | undefined
  readonly serviceVersion?: string | undefined
  readonly targetInfo?: boolean | undefined
  readonly scopeInfo?: boolean | undefined
}

/** @internal */
export interface Exporter {
  readonly scrape: Effect.Effect<string, MetricsExportError>
  readonly contentType: string
}

/** @internal */
export const contentType = "text/plain; version=0.0.4; charset=utf-8"

// Scraping is what `PrometheusExporter` does on each request (`collect()`, then
// `PrometheusSerializer.serialize`), done here on the producer `@effect/opentelemetry` builds over
// Effect's metric registry. `PrometheusExporter` itself is a `MetricReader` from the copy of
// `@opentelemetry/sdk-metrics` that exporter-prometheus pins (2.12.0), a class distinct from the
// `MetricReader` `@effect/opentelemetry` accepts, and it would only add an HTTP server we prevent.
//
// Recording needs only Effect's `Metric` API: the OpenTelemetry SDK (the producer, its resource
// and the serializer) is imported on the first scrape, so that a server starts without loading
// it, and one never scraped never loads it.
const makeCollector = (options: ExporterOptions | undefined) =>
  Effect.tryPromise({
    try: () =>
      Promise.all([
        import("@effect/opentelemetry/Metrics"),
        import("@effect/opentelemetry/Resource"),
        import("@opentelemetry/exporter-prometheus")
      ]),
    catch: (cause) => new MetricsExportError({ cause })
  }).pipe(Effect.flatMap(([OtelMetrics, OtelResource, { PrometheusSerializer }]) => {
    const resource = options?.serviceName === undefined
      ? OtelResource.layerEmpty
      : OtelResource.layer({
        serviceName: options.serviceName,
        ...(options.serviceVersion === undefined ? {} : { serviceVersion: options.serviceVersion })
      })
    return Effect.map(Effect.provide(OtelMetrics.makeProducer, resource), (producer) => ({
      producer,
      serializer: new PrometheusSerializer(
        undefined,
        false,
        undefined,
        !(options?.targetInfo ?? options?.serviceName !== undefined),
        !(options?.scopeInfo ?? false)
      )
    }))
  }))

/** @internal */
export const make = (
  options?: ExporterOptions,
  beforeScrape: Effect.Effect<void> = Effect.void
): Effect.Effect<Exporter> =>
  Effect.map(Effect.cached(makeCollector(options)), (collector) => ({
    contentType,
    // `beforeScrape` brings gauges sampled at scrape time (sessions) up to date.
    scrape: Effect.zipRight(beforeScrape, collector).pipe(
      Effect.flatMap(({ producer, serializer }) =>
        Effect.tryPromise({
          try: () => producer.collect(),
          catch: (cause) => new MetricsExportError({ cause })
        }).pipe(Effect.map((result) => serializer.serialize(result.resourceMetrics)))
      )
    )
  }))

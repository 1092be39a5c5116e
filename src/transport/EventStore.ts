/**
 * Where SSE events are kept so a client that reconnects with `Last-Event-ID`
 * gets what it missed. Event ids are `<streamId>.<sequence>`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * An SSE event kept for replay with `Last-Event-ID`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredEvent {
  readonly id: string
  readonly data: string
}

/**
 * Keeps the SSE events of each stream so a client that reconnects with `Last-Event-ID` gets what it
 * missed.
 *
 * @since 0.1.0
 * @category services
 */
export class EventStore extends Context.Tag("turbomcp/EventStore")<EventStore, {
  readonly append: (streamId: string, event: StoredEvent) => Effect.Effect<void>
  /** Events of the stream `lastEventId` belongs to, after it; `undefined` when unknown. */
  readonly replayAfter: (lastEventId: string) => Effect.Effect<
    { readonly streamId: string; readonly events: ReadonlyArray<StoredEvent> } | undefined
  >
  readonly deleteStream: (streamId: string) => Effect.Effect<void>
}>() {}

/**
 * The stream an event id belongs to.
 *
 * @since 0.1.0
 * @category accessors
 */
export const streamIdOf = (eventId: string): string | undefined => {
  const dot = eventId.lastIndexOf(".")
  return dot > 0 ? eventId.slice(0, dot) : undefined
}

/**
 * In-memory events, at most `maxEventsPerStream` per stream (oldest dropped first).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options: { readonly maxEventsPerStream?: number } = {}): Layer.Layer<EventStore> =>
  Layer.sync(EventStore, () => {
    const max = options.maxEventsPerStream ?? 1000
    // Private to this closure and touched only synchronously.
    const streams = new Map<string, Array<StoredEvent>>()
    return EventStore.of({
      append: (streamId, event) =>
        Effect.sync(() => {
          let events = streams.get(streamId)
          if (events === undefined) {
            events = []
            streams.set(streamId, events)
          }
          events.push(event)
          if (events.length > max) events.shift()
        }),
      replayAfter: (lastEventId) =>
        Effect.sync(() => {
          const streamId = streamIdOf(lastEventId)
          const events = streamId === undefined ? undefined : streams.get(streamId)
          if (streamId === undefined || events === undefined) return undefined
          const index = events.findIndex((e) => e.id === lastEventId)
          return { streamId, events: index < 0 ? events.slice() : events.slice(index + 1) }
        }),
      deleteStream: (streamId) => Effect.sync(() => void streams.delete(streamId))
    })
  })

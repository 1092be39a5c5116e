// Prometheus text parsing for tests, typed (parse-prometheus-text-format ships no declarations).
import { createRequire } from "node:module"

export interface Family {
  readonly name: string
  readonly type: string
  readonly metrics: ReadonlyArray<{ readonly value?: string; readonly labels?: Readonly<Record<string, string>> }>
}

export const parsePrometheus = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string
) => ReadonlyArray<Family>

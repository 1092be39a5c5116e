/** The results model, the markdown table and bench/results/latest.json. */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { cpus, totalmem, release, platform } from "node:os"
import { join } from "node:path"
import type { Contender } from "./contenders.ts"
import { BENCH_DIR, NODE24_BIN, NODE24_DIR, RESULTS_DIR, ROOT_DIR } from "./paths.ts"
import { fmtInt, fmtRatio, round } from "./stats.ts"

export type Cell =
  | {
    readonly ok: true
    readonly value: number
    /** Replaces the rendered absolute figure. */
    readonly text?: string
    /** Printed after the figure, e.g. "2026-07-28 request". */
    readonly note?: string
    readonly detail?: Record<string, unknown>
  }
  | { readonly ok: false; readonly reason: string }

/** How a row's ratio is read. "none": absolute figures only. */
export type RatioKind = "higher" | "lower" | "none"

export interface Row {
  readonly key: string
  readonly title: string
  readonly unit: string
  readonly ratio: RatioKind
  readonly digits: number
  readonly cells: Map<string, Cell>
  /** The cell ratios are taken against, when not the report's baseline in this row (scenario 7: the bare server). */
  readonly baseline?: { readonly row: string; readonly id: string }
  /** The least ratio the row should reach (a "higher" row); the table says whether it did. */
  readonly target?: number
}

export interface RowOptions {
  readonly digits?: number
  readonly baseline?: { readonly row: string; readonly id: string }
  readonly target?: number
}

/** Table order: rows print in this order whatever order the scenarios ran in. */
const ROW_ORDER = [
  "s1",
  "s1-latency",
  "s2",
  "s3",
  "s4",
  "s5",
  "s5-peak",
  "s6",
  "s6-bundled",
  "s7-bare",
  "s7-metrics",
  "s7-tracing",
  "s7-ratelimit",
  "s7-auth",
  "s7-full"
]

export class Report {
  private readonly rowList: Array<Row> = []

  get rows(): ReadonlyArray<Row> {
    const rank = (key: string) => {
      const i = ROW_ORDER.indexOf(key)
      return i === -1 ? ROW_ORDER.length : i
    }
    return [...this.rowList].sort((a, b) => rank(a.key) - rank(b.key))
  }

  constructor(readonly contenders: ReadonlyArray<Contender>, readonly baselineId: string) {}

  row(key: string, title: string, unit: string, ratio: RatioKind, options: number | RowOptions = {}): Row {
    const existing = this.rowList.find((r) => r.key === key)
    if (existing !== undefined) return existing
    const { digits = 0, baseline, target } = typeof options === "number" ? { digits: options } : options
    const row: Row = {
      key,
      title,
      unit,
      ratio,
      digits,
      cells: new Map(),
      ...(baseline === undefined ? {} : { baseline }),
      ...(target === undefined ? {} : { target })
    }
    this.rowList.push(row)
    return row
  }

  private baseCell(row: Row): Cell | undefined {
    if (row.baseline === undefined) return row.cells.get(this.baselineId)
    const { row: key, id } = row.baseline
    return (key === row.key ? row : this.rowList.find((r) => r.key === key))?.cells.get(id)
  }

  /** Whether the row's baseline is the report's (plain), whose own cell prints no ratio. */
  private isBaseline(row: Row, id: string): boolean {
    return row.baseline === undefined && id === this.baselineId
  }

  ratioOf(row: Row, id: string): number | undefined {
    const cell = row.cells.get(id)
    const base = this.baseCell(row)
    if (row.ratio === "none" || cell?.ok !== true || base?.ok !== true || base.value === 0) return undefined
    return cell.value / base.value
  }

  /** Whether a cell reaches its row's target, if the row has one and the cell a ratio. */
  targetMet(row: Row, id: string): boolean | undefined {
    const ratio = this.ratioOf(row, id)
    if (row.target === undefined || ratio === undefined) return undefined
    return row.ratio === "lower" ? ratio <= row.target : ratio >= row.target
  }

  markdown(): string {
    const notes: Array<string> = []
    const footnote = (reason: string): string => {
      let index = notes.indexOf(reason)
      if (index === -1) index = notes.push(reason) - 1
      return `[${index + 1}]`
    }
    const header = `| scenario | ${this.contenders.map((c) => c.label + (c.role === "baseline" ? " (ceiling)" : "")).join(" | ")} |`
    const rule = `| --- | ${this.contenders.map(() => "---").join(" | ")} |`
    const lines = [header, rule]
    for (const row of this.rows) {
      const cells = this.contenders.map((c) => {
        const cell = row.cells.get(c.id)
        if (cell === undefined) return "–"
        if (!cell.ok) return `n/a ${footnote(cell.reason)}`
        const value = row.digits === 0 ? fmtInt(cell.value) : cell.value.toFixed(row.digits)
        const absolute = cell.text ?? `${value} ${row.unit}`
        const note = cell.note === undefined ? "" : ` · ${cell.note}`
        const ratio = this.ratioOf(row, c.id)
        if (ratio === undefined || this.isBaseline(row, c.id)) return absolute + note
        const met = this.targetMet(row, c.id)
        const target = met === undefined
          ? ""
          : ` · target ${row.ratio === "lower" ? "≤" : "≥"} ${fmtRatio(row.target!)}: ${met ? "met" : "**not met**"}`
        return row.ratio === "higher"
          ? `**${fmtRatio(ratio)}** (${absolute})${note}${target}`
          : `${absolute} (×${fmtRatio(ratio)})${note}${target}`
      })
      lines.push(`| ${row.title} | ${cells.join(" | ")} |`)
    }
    if (notes.length > 0) {
      lines.push("")
      notes.forEach((note, i) => lines.push(`[${i + 1}] ${note}`))
    }
    return lines.join("\n")
  }

  toJSON(): Record<string, unknown> {
    return {
      baseline: this.baselineId,
      rows: this.rows.map((row) => ({
        key: row.key,
        title: row.title,
        unit: row.unit,
        ratio: row.ratio,
        ...(row.baseline === undefined ? {} : { baseline: row.baseline }),
        ...(row.target === undefined ? {} : { target: row.target }),
        cells: Object.fromEntries(
          [...row.cells.entries()].map(([id, cell]) => [
            id,
            cell.ok
              ? {
                value: round(cell.value, 3),
                ...(this.ratioOf(row, id) === undefined ? {} : { ratio: round(this.ratioOf(row, id)!, 4) }),
                ...(this.targetMet(row, id) === undefined ? {} : { targetMet: this.targetMet(row, id) }),
                ...(cell.note === undefined ? {} : { note: cell.note }),
                ...(cell.detail === undefined ? {} : { detail: cell.detail })
              }
              : { na: cell.reason }
          ])
        )
      }))
    }
  }
}

const readVersion = (folder: string, name: string): string | undefined => {
  const file = join(folder, "node_modules", name, "package.json")
  if (!existsSync(file)) return undefined
  return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version
}

const dependencyNames = (folder: string): ReadonlyArray<string> => {
  const file = join(folder, "package.json")
  if (!existsSync(file)) return []
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> }
  return Object.keys(pkg.dependencies ?? {})
}

export const packageVersions = (): Record<string, Record<string, string>> => {
  const collect = (folder: string, names: ReadonlyArray<string>) =>
    Object.fromEntries(names.flatMap((name) => {
      const version = readVersion(folder, name)
      return version === undefined ? [] : [[name, version]]
    }))
  const root = JSON.parse(readFileSync(join(ROOT_DIR, "package.json"), "utf8")) as { name: string; version: string }
  return {
    root: { [root.name]: root.version, ...collect(ROOT_DIR, ["effect", "@effect/platform", "@effect/platform-node", "tsx"]) },
    bench: collect(BENCH_DIR, dependencyNames(BENCH_DIR)),
    "peers-node24": collect(NODE24_DIR, dependencyNames(NODE24_DIR))
  }
}

export const machineInfo = (): Record<string, unknown> => {
  let node24: string | undefined
  try {
    node24 = existsSync(NODE24_BIN) ? execFileSync(NODE24_BIN, ["--version"], { encoding: "utf8" }).trim() : undefined
  } catch {
    node24 = undefined
  }
  const cpuList = cpus()
  return {
    cpuModel: cpuList[0]?.model ?? "unknown",
    cores: cpuList.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
    node24
  }
}

export const writeResults = (file: string, data: Record<string, unknown>): string => {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, file)
  writeFileSync(path, JSON.stringify(data, null, 2) + "\n")
  return path
}

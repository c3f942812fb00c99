"use client";

import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";
import { useEffect, useMemo, useRef, useState } from "react";
import type { JobPoint } from "@/lib/overview/read-overview.ts";

// Colour-blind-safe, each with at least 3:1 contrast on white (WCAG 1.4.11).
const PALETTE = ["#1c58d9", "#b3261e", "#1b7f3b", "#8a5a00", "#6b2fb3", "#00707a"];

/** The last 30 local days, oldest first, as "YYYY-MM-DD" keys in the viewer's zone. */
function lastDays(now: number, count = 30): string[] {
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(localDay(now - i * 86_400_000));
  return out;
}

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

type DayRow = { day: string; label: string } & Record<string, number | string>;

/**
 * Messages and files exported per day (per policy, stacked; a day without exports shows as zero, the
 * compliance red flag) and the duration of each job. SVG drawn with visx's scales and axes (small,
 * where Recharts alone was 100 kB gzip); every bar has a <title> with its numbers, the chart a
 * label, and the numbers are also a table behind a toggle.
 */
export function ExportCharts({
  jobs,
  now,
  policies,
}: {
  jobs: JobPoint[];
  now: number;
  policies: string[];
}) {
  // Days are the viewer's; the server cannot know the zone, so bucket after mounting.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const { days, durations } = useMemo(() => {
    const keys = lastDays(now);
    const rows = new Map<string, DayRow>(
      keys.map((k) => [
        k,
        {
          day: k,
          label: k.slice(5),
          ...Object.fromEntries(
            policies.flatMap((p) => [
              [`messages:${p}`, 0],
              [`files:${p}`, 0],
            ]),
          ),
        },
      ]),
    );
    for (const j of jobs) {
      const row = rows.get(localDay(j.finishedAt));
      if (!row || (j.status !== "success" && j.status !== "warning")) continue;
      row[`messages:${j.policyId}`] = Number(row[`messages:${j.policyId}`] ?? 0) + j.messages;
      row[`files:${j.policyId}`] = Number(row[`files:${j.policyId}`] ?? 0) + j.files;
    }
    const durations = jobs
      .filter((j) => j.durationMs !== null)
      .map((j) => ({
        id: j.id.slice(0, 8),
        label: `${localDay(j.finishedAt).slice(5)} ${j.id.slice(0, 4)}`,
        seconds: Math.round(j.durationMs! / 100) / 10,
        status: j.status,
        policyId: j.policyId,
      }));
    return { days: [...rows.values()], durations };
  }, [jobs, now, policies]);

  if (!mounted) return <div className="skeleton block" aria-hidden="true" />;
  const zeroDays = days.filter((d) =>
    policies.every((p) => Number(d[`messages:${p}`]) === 0),
  ).length;
  return (
    <>
      <section className="card" aria-labelledby="chart-messages-heading">
        <h2 id="chart-messages-heading">Messages exported per day</h2>
        <p className="help" style={{ marginTop: 0 }}>
          Last 30 days, your time zone. {zeroDays} of 30 days exported no messages.
        </p>
        <Chart
          label="Messages exported per day, last 30 days"
          data={days}
          series={policies.map((p) => ({ key: `messages:${p}`, name: p }))}
        />
        <DataTable
          caption="Messages and files exported per day"
          head={["Day", ...policies.flatMap((p) => [`Messages (${p})`, `Files (${p})`])]}
          rows={days.map((d) => [
            d.day,
            ...policies.flatMap((p) => [String(d[`messages:${p}`]), String(d[`files:${p}`])]),
          ])}
        />
      </section>
      <section className="card" aria-labelledby="chart-files-heading">
        <h2 id="chart-files-heading">Files exported per day</h2>
        <Chart
          label="Files exported per day, last 30 days"
          data={days}
          series={policies.map((p) => ({ key: `files:${p}`, name: p }))}
        />
      </section>
      <section className="card" aria-labelledby="chart-duration-heading">
        <h2 id="chart-duration-heading">Job duration</h2>
        <p className="help" style={{ marginTop: 0 }}>
          Seconds from start to finish of each job of the last 30 days.
        </p>
        {durations.length === 0 ? (
          <p>No job finished in the last 30 days.</p>
        ) : (
          <>
            <Chart
              label="Duration of each job in seconds"
              data={durations}
              xKey="label"
              series={[{ key: "seconds", name: "Seconds" }]}
            />
            <DataTable
              caption="Job durations"
              head={["Job", "Policy", "Status", "Seconds"]}
              rows={durations.map((d) => [d.id, d.policyId, d.status, String(d.seconds)])}
            />
          </>
        )}
      </section>
    </>
  );
}

const HEIGHT = 220;
const MARGIN = { top: 8, right: 8, bottom: 28, left: 48 };

/** The width of the element, following resizes (the chart fills its card at any screen width). */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidth(Math.floor(entry!.contentRect.width)),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function Chart({
  label,
  data,
  series,
  xKey = "label",
}: {
  label: string;
  data: Array<Record<string, unknown>>;
  series: Array<{ key: string; name: string }>;
  xKey?: string;
}) {
  const [ref, width] = useWidth();
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const total = (d: Record<string, unknown>) =>
    series.reduce((n, s) => n + Number(d[s.key] ?? 0), 0);
  const x = scaleBand<string>({
    domain: data.map((d) => String(d[xKey])),
    range: [0, innerWidth],
    padding: 0.2,
  });
  const y = scaleLinear<number>({
    domain: [0, Math.max(1, ...data.map(total))],
    range: [innerHeight, 0],
    nice: true,
  });
  const everyNth = Math.max(1, Math.ceil(data.length / Math.max(1, Math.floor(innerWidth / 48))));
  return (
    <div className="chart" ref={ref}>
      {width > 0 && (
        <svg width={width} height={HEIGHT} role="img" aria-label={label} className="chart-svg">
          <Group left={MARGIN.left} top={MARGIN.top}>
            {y.ticks(4).map((t) => (
              <line
                key={t}
                x1={0}
                x2={innerWidth}
                y1={y(t)}
                y2={y(t)}
                stroke="#e3e6eb"
                strokeDasharray="3 3"
              />
            ))}
            {data.map((d) => {
              let base = 0;
              return series.map((s, i) => {
                const value = Number(d[s.key] ?? 0);
                const top = y(base + value);
                const height = y(base) - top;
                base += value;
                return value > 0 ? (
                  <Bar
                    key={`${String(d[xKey])}-${s.key}`}
                    x={x(String(d[xKey])) ?? 0}
                    y={top}
                    width={x.bandwidth()}
                    height={height}
                    fill={PALETTE[i % PALETTE.length]}
                    className="chart-bar"
                  >
                    <title>{`${String(d[xKey])}${series.length > 1 ? ` · ${s.name}` : ""}: ${value.toLocaleString("en")}`}</title>
                  </Bar>
                ) : null;
              });
            })}
            <AxisLeft
              scale={y}
              numTicks={4}
              tickFormat={(v) => Number(v).toLocaleString("en")}
              stroke="#5b6272"
              tickStroke="#5b6272"
              tickLabelProps={{ fill: "#5b6272", fontSize: 11 }}
            />
            <AxisBottom
              top={innerHeight}
              scale={x}
              stroke="#5b6272"
              tickStroke="#5b6272"
              tickValues={x.domain().filter((_, i) => i % everyNth === 0)}
              tickLabelProps={{ fill: "#5b6272", fontSize: 11 }}
            />
          </Group>
        </svg>
      )}
      {series.length > 1 && (
        <ul className="chart-legend" aria-label="Policies">
          {series.map((s, i) => (
            <li key={s.key}>
              <span
                className="swatch"
                style={{ background: PALETTE[i % PALETTE.length] }}
                aria-hidden="true"
              />{" "}
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: string[][] }) {
  return (
    <details>
      <summary>Show as a table</summary>
      <div
        className="table-scroll"
        style={{ maxHeight: 320 }}
        tabIndex={0}
        role="region"
        aria-label={caption}
      >
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {head.map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

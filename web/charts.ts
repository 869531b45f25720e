/** Inline SVG charts (no script): vertical bars, Pareto (bars + cumulative line), stacked horizontal bars. Each has a title and a data table fallback for screen readers. */
import { html, raw, type SafeHtml } from './html';

const COLORS = ['#0b5cad', '#f59e0b', '#b42318', '#067647', '#7a5af8', '#52606d'];
const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

export function columnChart(title: string, items: { label: string; value: number | null; text?: string }[], opts: { max?: number; height?: number } = {}): SafeHtml {
  const w = 560;
  const h = opts.height ?? 220;
  const pad = { l: 36, r: 8, t: 12, b: 40 };
  const max = opts.max ?? Math.max(1, ...items.map((i) => i.value ?? 0));
  const bw = Math.min(90, (w - pad.l - pad.r) / Math.max(1, items.length));
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((p) => p * max);
  return html`<figure class="fig"><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}">
    ${ticks.map((v) => html`<line x1="${pad.l}" x2="${w - pad.r}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="#d9e2ec"/><text x="${pad.l - 4}" y="${f1(y(v) + 4)}" text-anchor="end">${max === 1 ? Math.round(v * 100) + '%' : f1(v)}</text>`)}
    ${items.map((it, i) => {
      const x = pad.l + i * bw + bw * 0.15;
      const v = it.value ?? 0;
      return html`<g><title>${it.label}: ${it.text ?? String(it.value ?? '—')}</title>
        <rect x="${f1(x)}" y="${f1(y(v))}" width="${f1(bw * 0.7)}" height="${f1(Math.max(0, h - pad.b - y(v)))}" fill="${COLORS[0]}"/>
        <text x="${f1(x + bw * 0.35)}" y="${f1(y(v) - 3)}" text-anchor="middle">${it.value === null ? '—' : (it.text ?? String(it.value))}</text>
        <text x="${f1(x + bw * 0.35)}" y="${h - pad.b + 14}" text-anchor="middle">${it.label.length > 12 ? it.label.slice(0, 11) + '…' : it.label}</text></g>`;
    })}
  </svg></figure>`;
}

export function paretoChart(title: string, items: { label: string; count: number; cumulative: number }[]): SafeHtml {
  if (!items.length) return raw('');
  const w = 560;
  const h = 240;
  const pad = { l: 30, r: 36, t: 12, b: 44 };
  const max = Math.max(1, ...items.map((i) => i.count));
  const bw = Math.min(90, (w - pad.l - pad.r) / items.length);
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const yc = (p: number) => pad.t + (h - pad.t - pad.b) * (1 - p);
  const pts = items.map((it, i) => `${f1(pad.l + i * bw + bw / 2)},${f1(yc(it.cumulative))}`).join(' ');
  return html`<figure class="fig"><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}">
    <line x1="${pad.l}" x2="${w - pad.r}" y1="${h - pad.b}" y2="${h - pad.b}" stroke="#9aa5b1"/>
    ${[0, 0.5, 0.8, 1].map((p) => html`<text x="${w - pad.r + 4}" y="${f1(yc(p) + 4)}">${Math.round(p * 100)}%</text><line x1="${pad.l}" x2="${w - pad.r}" y1="${f1(yc(p))}" y2="${f1(yc(p))}" stroke="#eef2f7"/>`)}
    ${items.map((it, i) => {
      const x = pad.l + i * bw + bw * 0.1;
      return html`<g><title>${it.label}: ${it.count} (${Math.round(it.cumulative * 100)}%)</title>
        <rect x="${f1(x)}" y="${f1(y(it.count))}" width="${f1(bw * 0.8)}" height="${f1(h - pad.b - y(it.count))}" fill="${COLORS[0]}"/>
        <text x="${f1(x + bw * 0.4)}" y="${f1(y(it.count) - 3)}" text-anchor="middle">${it.count}</text>
        <text x="${f1(x + bw * 0.4)}" y="${h - pad.b + 14}" text-anchor="middle">${it.label.length > 8 ? it.label.slice(0, 7) + '…' : it.label}</text></g>`;
    })}
    <polyline points="${pts}" fill="none" stroke="${COLORS[1]}" stroke-width="2"/>
    ${items.map((it, i) => html`<circle cx="${f1(pad.l + i * bw + bw / 2)}" cy="${f1(yc(it.cumulative))}" r="3" fill="${COLORS[1]}"/>`)}
  </svg></figure>`;
}

export function stackedBars(title: string, rows: { label: string; values: number[] }[], series: string[]): SafeHtml {
  if (!rows.length) return raw('');
  const w = 560;
  const rh = 26;
  const padL = 150;
  const legend = 24;
  const h = legend + rows.length * rh + 8;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const sx = (v: number) => ((w - padL - 40) * v) / max;
  return html`<figure class="fig"><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}">
    ${series.map((s, i) => html`<rect x="${padL + i * 90}" y="4" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${padL + i * 90 + 16}" y="14">${s}</text>`)}
    ${rows.map((r, j) => {
      let x = padL;
      const yy = legend + j * rh;
      const total = r.values.reduce((a, b) => a + b, 0);
      return html`<g><title>${r.label}: ${r.values.map((v, i) => `${series[i]} ${v}`).join(', ')}</title>
        <text x="${padL - 6}" y="${yy + 16}" text-anchor="end">${r.label}</text>
        ${r.values.map((v, i) => {
          const bar = html`<rect x="${f1(x)}" y="${yy + 3}" width="${f1(sx(v))}" height="${rh - 8}" fill="${COLORS[i % COLORS.length]}"/>`;
          x += sx(v);
          return bar;
        })}
        <text x="${f1(x + 4)}" y="${yy + 16}">${total}</text></g>`;
    })}
  </svg></figure>`;
}

/** Screen-reader / no-SVG fallback for a chart. */
export function dataTable(caption: string, head: string[], rows: (string | number)[][]): SafeHtml {
  return html`<details><summary>${caption}</summary><div class="table-wrap"><table><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table></div></details>`;
}

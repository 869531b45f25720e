/**
 * Vector charts for the reports, drawn with pdfkit paths on a FormBuilder page: a Pareto
 * chart (bars descending + cumulative-percentage line on a right axis) and a line chart
 * (a rate over months). No images: they print sharp and stay small.
 */
import { CONTENT, type FormBuilder } from './form';
import { FONT_REGULAR } from './fonts';

const AXIS = '#52606d';
const BAR = '#3b6fb6';
const LINE = '#d9480f';
const GRID = '#d9e2ec';

function axes(form: FormBuilder, x: number, y: number, w: number, h: number): void {
  const doc = form.doc;
  doc.save().lineWidth(0.4).strokeColor(GRID);
  for (let i = 0; i <= 4; i++) doc.moveTo(x, y + (h * i) / 4).lineTo(x + w, y + (h * i) / 4).stroke();
  doc.restore();
  doc.save().lineWidth(0.8).strokeColor(AXIS).moveTo(x, y).lineTo(x, y + h).lineTo(x + w, y + h).stroke().restore();
}

function text(form: FormBuilder, s: string, x: number, y: number, width: number, align: 'left' | 'center' | 'right' = 'center', size = 7): void {
  form.doc.save().font(FONT_REGULAR).fontSize(size).fillColor(AXIS).text(s, x, y, { width, align, lineBreak: false, ellipsis: true }).restore();
}

/** Pareto chart: counts as bars (left axis), cumulative share as a line (right axis, 0–100 %). */
export function paretoChart(form: FormBuilder, items: { label: string; count: number; cumulative: number }[], height = 180): void {
  form.startBlock(height + 10);
  const top = form.y + 8;
  const x = CONTENT.left + 28;
  const w = CONTENT.width - 60;
  const h = height - 30;
  axes(form, x, top, w, h);
  const max = Math.max(1, ...items.map((i) => i.count));
  const n = Math.max(1, items.length);
  const slot = w / n;
  const doc = form.doc;
  for (let k = 0; k <= 4; k++) {
    text(form, String(Math.round((max * (4 - k)) / 4)), CONTENT.left, top + (h * k) / 4 - 4, 24, 'right');
    text(form, `${25 * (4 - k)}%`, x + w + 4, top + (h * k) / 4 - 4, 28, 'left');
  }
  items.forEach((it, i) => {
    const bh = (it.count / max) * h;
    doc.save().rect(x + i * slot + slot * 0.15, top + h - bh, slot * 0.7, bh).fill(BAR).restore();
    text(form, it.label, x + i * slot, top + h + 3, slot);
    text(form, String(it.count), x + i * slot, top + h - bh - 10, slot);
  });
  doc.save().lineWidth(1.4).strokeColor(LINE);
  items.forEach((it, i) => {
    const px = x + i * slot + slot / 2;
    const py = top + h - it.cumulative * h;
    if (i === 0) doc.moveTo(px, py);
    else doc.lineTo(px, py);
  });
  if (items.length) doc.stroke();
  items.forEach((it, i) => doc.circle(x + i * slot + slot / 2, top + h - it.cumulative * h, 2).fill(LINE));
  doc.restore();
  form.y = top + height;
}

/** Line chart of a rate (0–1) over periods; a period without data leaves a gap. */
export function rateChart(form: FormBuilder, points: { label: string; rate: number | null }[], height = 150): void {
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  lineChart(form, points.map((p) => ({ label: p.label, value: p.rate })), { min: 0, max: 1, height, tick: percent, valueText: percent });
}

/**
 * Line chart of values over periods on a fixed scale (`min` … `max`, five ticks); a period
 * without data leaves a gap; a scale across zero gets a dashed zero line.
 */
function lineChart(
  form: FormBuilder,
  points: { label: string; value: number | null }[],
  o: { min: number; max: number; height: number; tick: (v: number) => string; valueText: (v: number) => string },
): void {
  const { min, max, height } = o;
  form.startBlock(height + 10);
  const top = form.y + 8;
  const x = CONTENT.left + 32;
  const w = CONTENT.width - 44;
  const h = height - 30;
  axes(form, x, top, w, h);
  const yOf = (v: number) => top + h - (h * (Math.min(max, Math.max(min, v)) - min)) / (max - min);
  for (let k = 0; k <= 4; k++) text(form, o.tick(max - ((max - min) * k) / 4), CONTENT.left, top + (h * k) / 4 - 4, 28, 'right');
  const doc = form.doc;
  if (min < 0 && max > 0) doc.save().lineWidth(0.8).strokeColor(AXIS).dash(2, { space: 2 }).moveTo(x, yOf(0)).lineTo(x + w, yOf(0)).stroke().undash().restore();
  const slot = w / Math.max(1, points.length);
  doc.save().lineWidth(1.4).strokeColor(LINE);
  let drawing = false;
  points.forEach((p, i) => {
    const px = x + i * slot + slot / 2;
    text(form, p.label, x + i * slot, top + h + 3, slot);
    if (p.value === null) {
      if (drawing) doc.stroke();
      drawing = false;
      return;
    }
    if (drawing) doc.lineTo(px, yOf(p.value));
    else doc.moveTo(px, yOf(p.value));
    drawing = true;
  });
  if (drawing) doc.stroke();
  points.forEach((p, i) => {
    if (p.value === null) return;
    const px = x + i * slot + slot / 2;
    doc.circle(px, yOf(p.value), 2.2).fill(LINE);
    text(form, o.valueText(p.value), px - 20, yOf(p.value) - 11, 40);
  });
  doc.restore();
  form.y = top + height;
}

// ---- Customer satisfaction (CSI) charts: scores on a −100 … 100 scale ---------------------

/** Stroke colour of the radar's data polygon (tests look for it in the page content). */
export const RADAR_COLOR = '#0b7285';
const NEGATIVE = '#c92a2a';

/**
 * Radar (spider) chart: one spoke per axis, rings at equal steps from `min` to `max`, the
 * values as a filled polygon. Pure vector paths (m / l / h operators), no images.
 */
export function radarChart(form: FormBuilder, axesIn: { label: string; value: number | null }[], options: { min?: number; max?: number; height?: number } = {}): void {
  const min = options.min ?? -100;
  const max = options.max ?? 100;
  const height = options.height ?? 230;
  form.startBlock(height + 10);
  const doc = form.doc;
  const cx = CONTENT.left + CONTENT.width / 2;
  const cy = form.y + 8 + height / 2;
  const R = height / 2 - 26;
  const n = Math.max(3, axesIn.length);
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / n;
  const point = (i: number, v: number) => {
    const r = (R * (Math.min(max, Math.max(min, v)) - min)) / (max - min);
    return [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))] as const;
  };
  // Rings (5: min, …, 0, …, max) and spokes.
  doc.save().lineWidth(0.4).strokeColor(GRID);
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    for (let i = 0; i < n; i++) {
      const [px, py] = point(i, v);
      if (i === 0) doc.moveTo(px, py);
      else doc.lineTo(px, py);
    }
    doc.closePath().stroke();
    text(form, String(Math.round(v)), cx + 2, cy - (R * k) / 4 - 8, 30, 'left', 6);
  }
  for (let i = 0; i < n; i++) {
    const [px, py] = point(i, max);
    doc.moveTo(cx, cy).lineTo(px, py).stroke();
  }
  doc.restore();
  // The zero ring stronger: below it a part is rejected rather than accepted.
  doc.save().lineWidth(0.8).strokeColor(AXIS).dash(2, { space: 2 });
  for (let i = 0; i < n; i++) {
    const [px, py] = point(i, 0);
    if (i === 0) doc.moveTo(px, py);
    else doc.lineTo(px, py);
  }
  doc.closePath().stroke().undash().restore();
  // Data polygon.
  const values = axesIn.map((a) => a.value ?? min);
  if (axesIn.some((a) => a.value !== null)) {
    doc.save().lineWidth(1.6).strokeColor(RADAR_COLOR).fillColor(RADAR_COLOR).fillOpacity(0.18);
    values.forEach((v, i) => {
      const [px, py] = point(i, v);
      if (i === 0) doc.moveTo(px, py);
      else doc.lineTo(px, py);
    });
    doc.closePath().fillAndStroke();
    doc.restore();
    values.forEach((v, i) => {
      if (axesIn[i].value === null) return;
      const [px, py] = point(i, v);
      doc.save().circle(px, py, 2.2).fill(v < 0 ? NEGATIVE : RADAR_COLOR).restore();
    });
  }
  // Axis labels with their values.
  axesIn.forEach((a, i) => {
    const lx = cx + (R + 14) * Math.cos(angle(i));
    const ly = cy + (R + 14) * Math.sin(angle(i));
    const align = Math.abs(Math.cos(angle(i))) < 0.2 ? 'center' : Math.cos(angle(i)) > 0 ? 'left' : 'right';
    const x0 = align === 'center' ? lx - 60 : align === 'left' ? lx : lx - 120;
    text(form, `${a.label} ${a.value === null ? '—' : (Math.round(a.value * 10) / 10).toFixed(1)}`, x0, ly - 5, 120, align, 8);
  });
  form.y = cy + height / 2 + 2;
}

/** Horizontal bars of scores (−100 … 100) around a zero line; a bar below zero is red. */
export function scoreBars(form: FormBuilder, items: { label: string; value: number | null }[], options: { min?: number; max?: number } = {}): void {
  const min = options.min ?? -100;
  const max = options.max ?? 100;
  const row = 16;
  const height = Math.max(1, items.length) * row + 24;
  form.startBlock(height + 10);
  const doc = form.doc;
  const top = form.y + 6;
  const labelW = 150;
  const x = CONTENT.left + labelW + 6;
  const w = CONTENT.width - labelW - 46;
  const xOf = (v: number) => x + (w * (Math.min(max, Math.max(min, v)) - min)) / (max - min);
  doc.save().lineWidth(0.4).strokeColor(GRID);
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    doc.moveTo(xOf(v), top).lineTo(xOf(v), top + items.length * row).stroke();
    text(form, String(Math.round(v)), xOf(v) - 15, top + items.length * row + 3, 30, 'center', 6.5);
  }
  doc.restore();
  items.forEach((it, i) => {
    const y = top + i * row;
    text(form, it.label, CONTENT.left, y + 4, labelW, 'right', 7.5);
    if (it.value === null) {
      text(form, '—', xOf(0) + 3, y + 4, 40, 'left', 7.5);
      return;
    }
    const a = xOf(Math.min(0, it.value));
    const b = xOf(Math.max(0, it.value));
    doc.save().rect(a, y + 3, Math.max(0.5, b - a), row - 6).fill(it.value < 0 ? NEGATIVE : BAR).restore();
    text(form, (Math.round(it.value * 10) / 10).toFixed(1), it.value < 0 ? a - 34 : b + 3, y + 4, 32, it.value < 0 ? 'right' : 'left', 7);
  });
  doc.save().lineWidth(0.9).strokeColor(AXIS).moveTo(xOf(0), top - 2).lineTo(xOf(0), top + items.length * row + 2).stroke().restore();
  form.y = top + height;
}

/** Line chart of a score (−100 … 100) over periods; a period without data leaves a gap. */
export function scoreLineChart(form: FormBuilder, points: { label: string; value: number | null }[], options: { min?: number; max?: number; height?: number } = {}): void {
  lineChart(form, points, {
    min: options.min ?? -100,
    max: options.max ?? 100,
    height: options.height ?? 150,
    tick: (v) => String(Math.round(v)),
    valueText: (v) => (Math.round(v * 10) / 10).toFixed(1),
  });
}

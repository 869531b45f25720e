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
  form.startBlock(height + 10);
  const top = form.y + 8;
  const x = CONTENT.left + 32;
  const w = CONTENT.width - 44;
  const h = height - 30;
  axes(form, x, top, w, h);
  for (let k = 0; k <= 4; k++) text(form, `${25 * (4 - k)}%`, CONTENT.left, top + (h * k) / 4 - 4, 28, 'right');
  const slot = w / Math.max(1, points.length);
  const doc = form.doc;
  doc.save().lineWidth(1.4).strokeColor(LINE);
  let drawing = false;
  points.forEach((p, i) => {
    const px = x + i * slot + slot / 2;
    text(form, p.label, x + i * slot, top + h + 3, slot);
    if (p.rate === null) {
      if (drawing) doc.stroke();
      drawing = false;
      return;
    }
    const py = top + h - p.rate * h;
    if (drawing) doc.lineTo(px, py);
    else doc.moveTo(px, py);
    drawing = true;
  });
  if (drawing) doc.stroke();
  points.forEach((p, i) => {
    if (p.rate === null) return;
    const px = x + i * slot + slot / 2;
    const py = top + h - p.rate * h;
    doc.circle(px, py, 2.2).fill(LINE);
    text(form, `${Math.round(p.rate * 100)}%`, px - 20, py - 11, 40);
  });
  doc.restore();
  form.y = top + height;
}

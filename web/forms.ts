/**
 * Forms generated from the procedure's zod schemas (workflows/steps.ts, api/schemas.ts), and
 * the way back: the posted form (flat `name → value`) is read into the data the schema
 * describes, then validated by the same schema. Field names are the data paths
 * (`meeting.heldAt`, `containment.0.action`); a discriminated union's option fields carry a
 * `~value` segment (`~received.note`) that the data path leaves out, so a message for
 * `data.note` lands next to the right field.
 */
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { attr, html, raw, type SafeHtml } from './html';
import type { T } from './i18n';

export type FormValues = Record<string, string | string[] | undefined>;
export type FieldErrors = Record<string, string>;

export interface FormCtx {
  t: T;
  tz: string;
  departments: { id: string; name: string; nameEn?: string | null }[];
  salesReps?: { id: string; name: string }[];
  values: FormValues;
  errors: FieldErrors;
  /** Prefix of the element ids, when one page has several forms of the same schema. */
  idPrefix?: string;
}

// zod 4 introspection (def is public in zod 4 classic).
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
  entries?: Record<string, string>;
  format?: string;
}
const defOf = (s: z.ZodType) => (s as unknown as { def: Def }).def;
const descOf = (s: z.ZodType) => (s as unknown as { description?: string }).description;
const maxLenOf = (s: z.ZodType) => (s as unknown as { maxLength?: number | null }).maxLength ?? null;

const nameOf = (path: string[]) => path.join('.');
/** The data path (what zod reports), without the union option segments. */
export const dataPath = (path: string[]) => path.filter((p) => !p.startsWith('~')).join('.');
export const idOf = (name: string) => 'f-' + name.replace(/[^A-Za-z0-9_-]/g, '_');

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);

/** ISO → value of a datetime-local input in the company time zone. */
export const toLocalInput = (iso: string | undefined, tz: string) => {
  if (!iso) return '';
  const d = DateTime.fromISO(iso, { zone: tz });
  return d.isValid ? d.setZone(tz).toFormat("yyyy-MM-dd'T'HH:mm") : iso;
};
/** datetime-local value (company time zone) → ISO with offset. */
export const fromLocalInput = (v: string, tz: string) => {
  const d = DateTime.fromISO(v, { zone: tz });
  return d.isValid ? d.toISO()! : v;
};

function unwrap(s: z.ZodType): { inner: z.ZodType; required: boolean; desc?: string } {
  let cur = s;
  let required = true;
  let desc = descOf(s);
  for (;;) {
    const d = defOf(cur);
    if (d.type === 'optional' || d.type === 'default') {
      required = false;
      cur = d.innerType!;
      desc = desc ?? descOf(cur);
    } else return { inner: cur, required, desc };
  }
}

/** Row indices posted for an array of objects under `name` (e.g. containment.0.action → 0). */
function rowIndices(values: FormValues, name: string): number[] {
  const out = new Set<number>();
  const prefix = name + '.';
  for (const k of Object.keys(values)) {
    if (!k.startsWith(prefix)) continue;
    const n = Number(k.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(n)) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- reading a posted form

export interface ReadResult {
  data: unknown;
  /** The posted values with empty array rows dropped and rows renumbered, to re-render. */
  values: FormValues;
}

export function readForm(schema: z.ZodType, form: FormValues, tz: string, base: string[] = []): ReadResult {
  const renames: [string, string | null][] = [];
  const read = (s: z.ZodType, path: string[], required: boolean): unknown => {
    const d = defOf(s);
    const name = nameOf(path);
    switch (d.type) {
      case 'optional':
      case 'default':
        return read(d.innerType!, path, false);
      case 'object': {
        const o: Record<string, unknown> = {};
        for (const [k, child] of Object.entries(d.shape!)) {
          const v = read(child, [...path, k], true);
          if (v !== undefined) o[k] = v;
        }
        return o;
      }
      case 'union': {
        const disc = d.discriminator!;
        const chosen = one(form[nameOf([...path, disc])]) ?? '';
        const option = d.options!.find((o) => (defOf(defOf(o).shape![disc]!).values ?? []).map(String).includes(chosen));
        if (!option) return chosen ? { [disc]: chosen } : {};
        const literal = defOf(defOf(option).shape![disc]!).values![0];
        const o = read(option, [...path, `~${chosen}`], true) as Record<string, unknown>;
        return { ...o, [disc]: literal };
      }
      case 'array': {
        const el = unwrap(d.element!).inner;
        if (defOf(el).type === 'object') {
          const rows: unknown[] = [];
          for (const i of rowIndices(form, name)) {
            const rowPrefix = `${name}.${i}.`;
            const filled = Object.entries(form).some(([k, v]) => k.startsWith(rowPrefix) && String(one(v) ?? '').trim() !== '');
            if (!filled) {
              renames.push([rowPrefix, null]);
              continue;
            }
            renames.push([rowPrefix, `${name}.${rows.length}.`]);
            rows.push(read(el, [...path, String(i)], true));
          }
          return rows;
        }
        const text = one(form[name]) ?? '';
        return text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
      }
      case 'boolean': {
        const v = one(form[name]);
        if (!required) return v === 'true' || v === 'on';
        return v === 'true' ? true : v === 'false' ? false : undefined;
      }
      case 'literal': {
        const v = one(form[name]);
        return v === undefined || v === '' ? undefined : d.values![0];
      }
      case 'number': {
        const v = (one(form[name]) ?? '').trim();
        if (v === '') return undefined;
        const n = Number(v);
        return Number.isNaN(n) ? v : n;
      }
      default: {
        const v = (one(form[name]) ?? '').trim();
        if (v === '') return undefined;
        if (d.format === 'datetime') return fromLocalInput(v, tz);
        return v;
      }
    }
  };
  const data = read(schema, base, true);
  // Re-number the posted rows the way the data has them.
  const values: FormValues = {};
  for (const [k, v] of Object.entries(form)) {
    const r = renames.find(([from]) => k.startsWith(from));
    if (!r) values[k] = v;
    else if (r[1] !== null) values[r[1] + k.slice(r[0].length)] = v;
  }
  return { data, values };
}

/** zod issues → messages by data path (first one per field). */
export function zodErrors(err: z.ZodError, t: T, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const i of err.issues) {
    const key = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '_';
    // A choice left empty: "is required" (zod says "Invalid option: expected one of …").
    const unchosen = (i.code === 'invalid_value' && i.input === undefined && (i.values?.length ?? 0) > 1) || (i.code === 'invalid_type' && i.input === undefined);
    out[key] ??= message(unchosen ? 'is required' : i.message, t);
  }
  return out;
}

export function message(m: string, t: T): string {
  if (t.lang !== 'zh') return m;
  if (m === 'is required') return '必填';
  if (m.startsWith('must be an ISO 8601')) return '请填写日期时间';
  if (m.startsWith('must be an e-mail')) return '请填写有效的邮箱';
  return m;
}

// ---------------------------------------------------------------- rendering

function errorOf(ctx: FormCtx, path: string[]): string | undefined {
  return ctx.errors[dataPath(path)];
}

function labelFor(ctx: FormCtx, path: string[], required: boolean, desc?: string): SafeHtml {
  const label = ctx.t.field(dataPath(path));
  return html`${label}${required ? html`<span class="req" aria-hidden="true"> *</span>` : ''}${desc && ctx.t.lang === 'en' ? html`<small class="hint">${desc}</small>` : ''}`;
}

function errorHtml(id: string, e: string | undefined): SafeHtml {
  return e ? html`<p class="err" id="${id}-err">${e}</p>` : raw('');
}

export function renderField(s: z.ZodType, path: string[], ctx: FormCtx): SafeHtml {
  const { inner, required, desc } = unwrap(s);
  const d = defOf(inner);
  const name = nameOf(path);
  const id = idOf((ctx.idPrefix ?? '') + name);
  const e = errorOf(ctx, path);
  const invalid = e ? raw(` aria-invalid="true" aria-describedby="${id}-err"`) : raw('');
  const v = one(ctx.values[name]) ?? '';
  const key = path[path.length - 1] ?? '';
  const wrap = (control: SafeHtml, cls = 'field') =>
    html`<div class="${cls}${e ? ' has-err' : ''}"><label for="${id}">${labelFor(ctx, path, required, desc)}</label>${control}${errorHtml(id, e)}</div>`;

  switch (d.type) {
    case 'object':
      return html`<fieldset class="group"><legend>${ctx.t.field(dataPath(path))}</legend>${renderObjectFields(inner, path, ctx)}</fieldset>`;
    case 'union':
      return renderUnion(inner, path, ctx);
    case 'array': {
      const el = unwrap(d.element!).inner;
      if (defOf(el).type === 'object') return renderRows(el, path, ctx, required);
      return wrap(html`<textarea id="${id}" name="${name}" rows="3"${attr('required', required)}${invalid}>${v}</textarea>`);
    }
    case 'boolean': {
      if (!required) {
        const checked = v === 'true' || v === 'on';
        return html`<div class="field check${e ? ' has-err' : ''}"><input type="checkbox" id="${id}" name="${name}" value="true"${attr('checked', checked)}${invalid}><label for="${id}">${labelFor(ctx, path, false, desc)}</label>${errorHtml(id, e)}</div>`;
      }
      return html`<fieldset class="field radios${e ? ' has-err' : ''}"${e ? raw(` aria-describedby="${id}-err"`) : ''}><legend>${labelFor(ctx, path, true, desc)}</legend>
        <label><input type="radio" name="${name}" value="true"${attr('checked', v === 'true')} required> ${ctx.t('yes')}</label>
        <label><input type="radio" name="${name}" value="false"${attr('checked', v === 'false')}> ${ctx.t('no')}</label>${errorHtml(id, e)}</fieldset>`;
    }
    case 'literal': {
      if (d.values![0] === true) {
        return html`<div class="field check${e ? ' has-err' : ''}"><input type="checkbox" id="${id}" name="${name}" value="true"${attr('checked', v === 'true')}${invalid}><label for="${id}">${labelFor(ctx, path, true, desc)}</label>${errorHtml(id, e)}</div>`;
      }
      return raw('');
    }
    case 'enum': {
      const opts = Object.values(d.entries!);
      return wrap(
        html`<select id="${id}" name="${name}"${attr('required', required)}${invalid}><option value="">${ctx.t('choose')}</option>${opts.map((o) => html`<option value="${o}"${attr('selected', v === o)}>${ctx.t.enum(o)}</option>`)}</select>`,
      );
    }
    case 'number':
      return wrap(html`<input type="number" id="${id}" name="${name}" value="${v}" inputmode="numeric"${attr('required', required)}${invalid}>`);
    default: {
      if (d.format === 'datetime') return wrap(html`<input type="datetime-local" id="${id}" name="${name}" value="${v}"${attr('required', required)}${invalid}>`);
      if (/DepartmentId$|^departmentId$/.test(key)) {
        return wrap(
          html`<select id="${id}" name="${name}"${attr('required', required)}${invalid}><option value="">${ctx.t('choose')}</option>${ctx.departments.map(
            (dep) => html`<option value="${dep.id}"${attr('selected', v === dep.id)}>${ctx.t.lang === 'en' && dep.nameEn ? dep.nameEn : dep.name}</option>`,
          )}</select>`,
        );
      }
      if (key === 'salesRepId' && ctx.salesReps) {
        return wrap(
          html`<select id="${id}" name="${name}"${attr('required', required)}${invalid}><option value="">${ctx.t('choose')}</option>${ctx.salesReps.map(
            (p) => html`<option value="${p.id}"${attr('selected', v === p.id)}>${p.name}</option>`,
          )}</select>`,
        );
      }
      const max = maxLenOf(inner);
      if (max !== null && max > 300) return wrap(html`<textarea id="${id}" name="${name}" rows="4"${attr('required', required)}${invalid}>${v}</textarea>`);
      const type = /email/i.test(key) ? 'email' : 'text';
      return wrap(html`<input type="${type}" id="${id}" name="${name}" value="${v}"${attr('maxlength', max)}${attr('required', required)}${invalid}>`);
    }
  }
}

export function renderObjectFields(s: z.ZodType, path: string[], ctx: FormCtx, skip: string[] = []): SafeHtml {
  const d = defOf(unwrap(s).inner);
  return html`${Object.entries(d.shape!)
    .filter(([k]) => !skip.includes(k))
    .map(([k, child]) => renderField(child, [...path, k], ctx))}`;
}

function renderUnion(s: z.ZodType, path: string[], ctx: FormCtx): SafeHtml {
  const d = defOf(s);
  const disc = d.discriminator!;
  const discName = nameOf([...path, disc]);
  const chosen = one(ctx.values[discName]) ?? '';
  const e = ctx.errors[dataPath([...path, disc])];
  const id = idOf((ctx.idPrefix ?? '') + discName);
  const choices = d.options!.map((o) => String(defOf(defOf(o).shape![disc]!).values![0]));
  return html`<fieldset class="field radios union${e ? ' has-err' : ''}" data-union="${discName}"${e ? raw(` aria-describedby="${id}-err"`) : ''}>
    <legend>${ctx.t.field(dataPath([...path, disc]))}<span class="req" aria-hidden="true"> *</span></legend>
    ${choices.map((c) => html`<label><input type="radio" name="${discName}" value="${c}"${attr('checked', chosen === c)} required> ${ctx.t.enum(c)}</label>`)}
    ${errorHtml(id, e)}
  </fieldset>
  ${d.options!.map((o, i) => {
    const c = choices[i]!;
    const fields = renderObjectFields(o, [...path, `~${c}`], ctx, [disc]);
    return fields.value.trim()
      ? html`<fieldset class="group option" data-when="${discName}=${c}"><legend>${ctx.t.enum(c)}</legend>${fields}</fieldset>`
      : '';
  })}`;
}

function renderRows(el: z.ZodType, path: string[], ctx: FormCtx, required: boolean): SafeHtml {
  const name = nameOf(path);
  const rows = rowIndices(ctx.values, name);
  const indices = rows.length ? rows : [0];
  const e = ctx.errors[dataPath(path)];
  const id = idOf((ctx.idPrefix ?? '') + name);
  const row = (i: string, c: FormCtx) =>
    html`<div class="row" data-row><div class="row-fields">${renderObjectFields(el, [...path, i], c)}</div><button type="button" class="link remove" data-remove-row>${ctx.t('remove_row')}</button></div>`;
  // The template row uses __i__, replaced by the next index in the browser.
  const blank: FormCtx = { ...ctx, values: {}, errors: {} };
  return html`<fieldset class="group rows${e ? ' has-err' : ''}" data-rows="${name}"${e ? raw(` aria-describedby="${id}-err"`) : ''}>
    <legend>${ctx.t.field(dataPath(path))}${required ? html`<span class="req" aria-hidden="true"> *</span>` : ''}</legend>
    ${errorHtml(id, e)}
    <div class="row-list">${indices.map((i) => row(String(i), ctx))}</div>
    <template>${row('__i__', blank)}</template>
    <button type="button" class="secondary" data-add-row>${ctx.t('add_row')}</button>
  </fieldset>`;
}

/** Error messages that have no field on the form (shown at its top). */
export function orphanErrors(errors: FieldErrors, rendered: string): string[] {
  return Object.entries(errors)
    .filter(([k]) => !rendered.includes(`id="${idOf(k)}-err"`) && !rendered.includes(`-err">${errors[k]}`))
    .map(([k, v]) => (k === '_' ? v : `${k}: ${v}`));
}

/**
 * A small kit for the controlled forms of the complaint procedure (市场品质异常处理报告,
 * 预防再发处理报告, 客户抱怨回馈, registers, 8D …): A4 pages, a title block, section headings,
 * ruled label/value and data tables whose rows wrap and break across pages (the table
 * header is repeated), signature blocks, and — drawn after layout on the buffered pages —
 * a running header on continuation pages and a footer on every page with “页次 x / y”, the
 * data fingerprint and the generated time.
 *
 * Layout model: the kit does its own line breaking (CJK may break between any two
 * characters, Latin words only at spaces, closing punctuation never starts a line) and
 * places every line with pdfkit's `lineBreak: false`, so pdfkit never flows text or adds
 * pages on its own. Each block measures itself before drawing and moves to a new page
 * when it does not fit; nothing is drawn over anything else.
 *
 * The output is a pure function of the inputs: the PDF creation date (and so the file ID)
 * and the footer's generated time come from `issuedAt`, so the same data gives the same
 * bytes.
 */
import PDFDocument from 'pdfkit';
import { DateTime } from 'luxon';
import { FONT_BOLD, FONT_REGULAR, registerFonts } from './fonts';
import { LABELS, label, localise, type LabelKey, type Localised } from './labels';
import type { CompanyInfo, DocLanguage } from './types';

// ---------------------------------------------------------------------------------------
// Page geometry and style (points; A4 = 595.28 × 841.89)

export const PAGE = {
  width: 595.28,
  height: 841.89,
  marginLeft: 40,
  marginRight: 40,
  /** Continuation pages carry a running header in the top margin. */
  marginTop: 54,
  /** The footer sits in the bottom margin. */
  marginBottom: 52,
} as const;

const CONTENT_WIDTH = PAGE.width - PAGE.marginLeft - PAGE.marginRight;
const CONTENT_BOTTOM = PAGE.height - PAGE.marginBottom;

/** The content area every block is laid out in (for forms that draw their own blocks, e.g. charts). */
export const CONTENT = { left: PAGE.marginLeft, top: PAGE.marginTop, width: CONTENT_WIDTH, bottom: CONTENT_BOTTOM } as const;

const STYLE = {
  text: '#1a1a1a',
  muted: '#555555',
  rule: '#4a4a4a',
  labelFill: '#f0f2f5',
  headerFill: '#dde3ea',
  headingFill: '#c9d3df',
  ruleWidth: 0.5,
  bodySize: 9,
  /** Line height as a multiple of the font size. */
  leading: 1.4,
  cellPadX: 4,
  cellPadY: 3,
  blockGap: 8,
} as const;

export type FontWeight = 'regular' | 'bold';
export type Align = 'left' | 'center' | 'right';

/** One table cell. `span` joins it with the next columns. */
export interface Cell {
  text: string;
  weight?: FontWeight;
  size?: number;
  fill?: string;
  color?: string;
  align?: Align;
  span?: number;
}
export type CellInput = Cell | string;

export interface TableSpec {
  /** Relative column widths (any unit; scaled to the content width). */
  columns: number[];
  /** Header row, drawn on top and repeated on every page the table continues on. */
  header?: CellInput[];
  rows: CellInput[][];
  fontSize?: number;
}

/** A label/value pair for `fieldGrid`. `wide` fields take a whole row. */
export interface Field {
  label: string;
  value: string;
  wide?: boolean;
}

/** A signature block as displayed: role and meaning already in the document language. */
export interface SignatureBlock {
  role: string;
  meaning: string;
  /** Absent: the block shows “未签署 / not yet signed”. */
  signer?: string | null;
  signedAt?: string | null;
}

export interface FormOptions {
  language: DocLanguage;
  title: Localised;
  company: CompanyInfo;
  caseNo: string;
  /** ISO instant the document is issued: PDF creation date and the footer's generated time. */
  issuedAt: string;
  /** IANA zone every time is shown in, e.g. 'Asia/Shanghai'. */
  timeZone: string;
  /** sha256 hex of the data the document is built from; the first 16 digits go in the footer. */
  dataHash: string;
}

/** A laid-out cell: its lines, font and box. */
interface CellLayout {
  cell: Cell;
  x: number;
  width: number;
  lines: string[];
  font: string;
  size: number;
  lineHeight: number;
}

// ---------------------------------------------------------------------------------------
// Line breaking

/**
 * Ideographs (including the supplementary planes), kana, Hangul, CJK and full-width
 * punctuation: a line may break before or after any of them.
 */
const CJK = '\\u2e80-\\u2fff\\u3000-\\u30ff\\u3100-\\u312f\\u3190-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef\\u{20000}-\\u{3134f}';
/** Combining marks and variation selectors stay with the character before them. */
const MARKS = '\\u0300-\\u036f\\ufe00-\\ufe0f\\u{e0100}-\\u{e01ef}';
/** Tokens: one CJK character (with its marks), a run of other non-space characters (a word), or a run of spaces. */
const TOKEN = new RegExp(`[${CJK}][${MARKS}]*|[^\\s${CJK}]+|\\s+`, 'gu');
/** Advance widths of measured tokens per font, in 1/1000 em: a font property, shared by all documents. */
const WIDTHS = new Map<string, Map<string, number>>();
const WIDTH_CACHE_LIMIT = 50_000;

/** Characters that must not start a line (kinsoku). */
const NO_LINE_START = new Set([...'，。、；：！？）》」』】〉〕’”,.;:!?)]}%·…—～']);

// ---------------------------------------------------------------------------------------

export class FormBuilder {
  readonly doc: PDFKit.PDFDocument;
  readonly language: DocLanguage;
  /** Top of the free space on the current page. */
  y: number = PAGE.marginTop;
  private readonly options: FormOptions;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly zone: string;

  constructor(options: FormOptions) {
    this.options = options;
    this.language = options.language;
    this.zone = checkTimeZone(options.timeZone);
    const issued = new Date(options.issuedAt);
    if (Number.isNaN(issued.getTime())) throw new RangeError(`FormBuilder: invalid issuedAt "${options.issuedAt}"`);
    const title = localise(options.title, options.language, ' / ');
    this.doc = new PDFDocument({
      size: [PAGE.width, PAGE.height],
      margins: { top: PAGE.marginTop, bottom: PAGE.marginBottom, left: PAGE.marginLeft, right: PAGE.marginRight },
      bufferPages: true, // footers ("页次 x / y") are drawn once the page count is known
      autoFirstPage: true,
      lang: options.language === 'en' ? 'en' : 'zh-CN',
      displayTitle: true,
      info: {
        Title: `${title} ${options.caseNo}`,
        Author: options.company.name,
        Subject: options.caseNo,
        Keywords: `sha256:${options.dataHash}`,
        Creator: 'qms-complaints',
        // Fixed creation date → deterministic file ID and bytes for the same data.
        CreationDate: issued,
      },
    });
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    registerFonts(this.doc);
    this.doc.font(FONT_REGULAR).fontSize(STYLE.bodySize).fillColor(STYLE.text);
  }

  // ---- text helpers --------------------------------------------------------------------

  /** A fixed label in the document language. */
  t(key: LabelKey): string {
    return label(key, this.language);
  }

  /** An instant as `YYYY-MM-DD HH:mm` in the document's time zone; empty for null; as given if unparseable. */
  time(iso: string | null | undefined): string {
    if (!iso) return '';
    return zonedTime(iso, this.zone)?.text ?? iso;
  }

  /** The document's time zone with its UTC offset at issue time, e.g. "Asia/Shanghai (UTC+8)". */
  zoneLabel(): string {
    const offset = zonedTime(this.options.issuedAt, this.zone)?.offset;
    return offset ? `${this.zone} (${offset})` : this.zone;
  }

  private fontName(weight: FontWeight | undefined): string {
    return weight === 'bold' ? FONT_BOLD : FONT_REGULAR;
  }

  private currentFont = '';
  private currentSize = 0;

  private use(font: string, size: number): void {
    this.currentFont = font;
    this.currentSize = size;
    this.doc.font(font).fontSize(size);
  }

  /** Width of `text` in the current font and size (advance widths are cached per process, in 1/1000 em). */
  private width(text: string): number {
    let widths = WIDTHS.get(this.currentFont);
    if (!widths) WIDTHS.set(this.currentFont, (widths = new Map()));
    let em = widths.get(text);
    if (em === undefined) {
      em = (this.doc.widthOfString(text) * 1000) / this.currentSize;
      if (widths.size >= WIDTH_CACHE_LIMIT) widths.clear();
      widths.set(text, em);
    }
    return (em * this.currentSize) / 1000;
  }

  /**
   * Break `text` into lines no wider than `maxWidth` in the given font. Explicit newlines
   * are kept; CJK breaks anywhere, Latin words at spaces (or inside a word longer than a
   * line); a closing punctuation mark pulls the character before it onto the new line.
   */
  wrap(text: string, maxWidth: number, font: string, size: number): string[] {
    this.use(font, size);
    const lines: string[] = [];
    for (const paragraph of text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').split('\n')) {
      let line: string[] = [];
      let lineWidth = 0;
      const flush = () => {
        while (line.length && /^\s+$/.test(line[line.length - 1])) line.pop();
        lines.push(line.join(''));
        line = [];
        lineWidth = 0;
      };
      for (const token of paragraph.match(TOKEN) ?? []) {
        const isSpace = /^\s+$/.test(token);
        if (isSpace && line.length === 0) continue; // no leading spaces on a wrapped line
        const w = this.width(token);
        if (lineWidth + w <= maxWidth) {
          line.push(token);
          lineWidth += w;
          continue;
        }
        if (isSpace) {
          flush();
          continue;
        }
        if (line.length === 0 || w > maxWidth) {
          // A word longer than the line: break it by characters.
          for (const ch of token) {
            const cw = this.width(ch);
            if (lineWidth + cw > maxWidth && line.length) flush();
            line.push(ch);
            lineWidth += cw;
          }
          continue;
        }
        // Kinsoku: a closing mark may not start the line, so it takes the token before it
        // along (and that one's closing marks, e.g. "）。"), keeping something on this line.
        // Should the line hold a single word, its last character goes instead; a line of
        // one character keeps it and the mark starts the next line after all.
        const carry: string[] = [];
        if (NO_LINE_START.has(token[0])) {
          while (line.length > 1 && NO_LINE_START.has(line[line.length - 1][0])) carry.unshift(line.pop() as string);
          const prev = line[line.length - 1];
          const chars = [...prev];
          if (line.length > 1 && !/^\s+$/.test(prev)) {
            carry.unshift(line.pop() as string);
          } else if (line.length === 1 && chars.length > 1 && !/\s/.test(prev)) {
            line[0] = chars.slice(0, -1).join('');
            carry.unshift(chars[chars.length - 1]);
          } else {
            line.push(...carry);
            carry.length = 0;
          }
        }
        flush();
        for (const c of [...carry, token]) {
          line.push(c);
          lineWidth += this.width(c);
        }
      }
      flush();
    }
    return lines;
  }

  /** Draw one line of text with its em box starting at `top` (no wrapping, no page flow). */
  private drawLine(text: string, x: number, top: number, width: number, font: string, size: number, align: Align = 'left', color: string = STYLE.text): void {
    if (!text) return;
    this.use(font, size);
    let dx = 0;
    if (align !== 'left') {
      const free = width - this.width(text);
      dx = align === 'center' ? free / 2 : free;
    }
    this.doc.fillColor(color).text(text, x + dx, top, { lineBreak: false });
  }

  /**
   * Draw `text` in a box, shrinking the font (down to `minSize`) until it fits; lines are
   * centred vertically. Used where the box cannot grow (title block, running header).
   */
  private fitText(text: string, x: number, top: number, width: number, height: number, opts: { weight?: FontWeight; size: number; minSize?: number; align?: Align; color?: string }): void {
    const font = this.fontName(opts.weight);
    const minSize = opts.minSize ?? Math.min(6, opts.size);
    let size = opts.size;
    let lines = this.wrap(text, width, font, size);
    while (lines.length * size * STYLE.leading > height && size > minSize) {
      size = Math.max(minSize, size - 0.5);
      lines = this.wrap(text, width, font, size);
    }
    const lineHeight = size * STYLE.leading;
    const maxLines = Math.max(1, Math.floor(height / lineHeight));
    if (lines.length > maxLines) {
      // Still too long at the smallest size: cut the last line and mark the cut.
      let last = [...lines[maxLines - 1]];
      while (last.length && this.width(`${last.join('')}…`) > width) last = last.slice(0, -1);
      lines = [...lines.slice(0, maxLines - 1), `${last.join('')}…`];
    }
    let lineTop = top + (height - lines.length * lineHeight) / 2 + (lineHeight - size) / 2;
    for (const line of lines) {
      this.drawLine(line, x, lineTop, width, font, size, opts.align, opts.color);
      lineTop += lineHeight;
    }
  }

  // ---- pages ---------------------------------------------------------------------------

  /** Start a new page; the cursor goes to the top of its content area. */
  newPage(): void {
    this.doc.addPage();
    this.y = PAGE.marginTop;
  }

  /** Space left on the current page. */
  get spaceLeft(): number {
    return CONTENT_BOTTOM - this.y;
  }

  /** Move to a new page unless `height` points are still free on this one. */
  ensureSpace(height: number): void {
    if (height > this.spaceLeft && this.y > PAGE.marginTop) this.newPage();
  }

  /** Add vertical space (never across a page end). */
  gap(height: number = STYLE.blockGap): void {
    this.y = Math.min(this.y + height, CONTENT_BOTTOM);
  }

  // ---- blocks --------------------------------------------------------------------------

  /**
   * The title block on the first page: logo placeholder, company name, form title, and a
   * small box with document number, revision and case number.
   */
  titleBlock(): void {
    this.placeHeading(0);
    const { company, title, caseNo } = this.options;
    const doc = this.doc;
    const x0 = PAGE.marginLeft;
    const top = this.y;
    const height = 66;
    const logoW = 74;
    const idW = 178;
    const midX = x0 + logoW;
    const midW = CONTENT_WIDTH - logoW - idW;
    const idX = x0 + CONTENT_WIDTH - idW;

    doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule);
    doc.rect(x0, top, CONTENT_WIDTH, height).stroke();
    doc.moveTo(midX, top).lineTo(midX, top + height).moveTo(idX, top).lineTo(idX, top + height).stroke();

    // Logo placeholder: a dashed box the company's logo will replace.
    doc.save().dash(2, { space: 2 }).strokeColor('#9aa5b1').rect(x0 + 8, top + 8, logoW - 16, height - 16).stroke().restore();
    this.fitText(label('logo', this.language === 'en' ? 'en' : 'zh'), x0 + 8, top + 8, logoW - 16, height - 16, { size: 8, align: 'center', color: '#9aa5b1' });

    // Company and form title.
    const companyName =
      this.language === 'en' ? company.nameEn ?? company.name : this.language === 'bilingual' && company.nameEn ? `${company.name} ${company.nameEn}` : company.name;
    this.fitText(companyName, midX + 6, top + 4, midW - 12, 16, { weight: 'bold', size: 10.5, align: 'center' });
    if (this.language === 'bilingual') {
      this.fitText(title.zh, midX + 6, top + 21, midW - 12, 24, { weight: 'bold', size: 16, align: 'center' });
      this.fitText(title.en, midX + 6, top + 45, midW - 12, 16, { weight: 'bold', size: 10, align: 'center' });
    } else {
      this.fitText(localise(title, this.language), midX + 6, top + 24, midW - 12, 34, { weight: 'bold', size: 16, align: 'center' });
    }

    // Identification box: document number, revision, case number.
    const rows: [string, string][] = [
      [this.t('docNo'), company.docNo],
      [this.t('revision'), company.revision],
      [this.t('caseNo'), caseNo],
    ];
    const rowH = height / rows.length;
    const labelW = this.language === 'bilingual' ? 78 : 58;
    rows.forEach(([name, value], i) => {
      const rowTop = top + i * rowH;
      doc.rect(idX, rowTop, labelW, rowH).fill(STYLE.labelFill);
      this.fitText(name, idX + STYLE.cellPadX, rowTop, labelW - 2 * STYLE.cellPadX, rowH, { size: 8 });
      this.fitText(value, idX + labelW + STYLE.cellPadX, rowTop, idW - labelW - 2 * STYLE.cellPadX, rowH, { weight: 'bold', size: 9.5 });
    });
    doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule);
    for (let i = 1; i < rows.length; i++) doc.moveTo(idX, top + i * rowH).lineTo(idX + idW, top + i * rowH).stroke();
    doc.moveTo(idX + labelW, top).lineTo(idX + labelW, top + height).stroke();
    doc.rect(x0, top, CONTENT_WIDTH, height).stroke();

    this.y = top + height;
    this.gap(10);
  }

  /** Height of a section heading band. */
  private static readonly HEADING_HEIGHT = 18;
  private pendingHeading: string | null = null;

  /**
   * A section heading: a shaded band across the content width. It is drawn by the next
   * block, on the same page as that block's first row, so it is never left alone at the
   * bottom of a page.
   */
  heading(text: string): void {
    this.placeHeading(0);
    this.pendingHeading = text;
  }

  /**
   * Start a block that needs `height` points on its first page: draw a pending heading
   * and the block together on this page, or both on the next. Custom drawings (charts)
   * call it before drawing at `y`.
   */
  startBlock(height: number): void {
    if (this.pendingHeading === null) {
      this.ensureSpace(height);
      return;
    }
    this.placeHeading(height);
  }

  private placeHeading(keepWith: number): void {
    const text = this.pendingHeading;
    if (text === null) return;
    this.pendingHeading = null;
    const h = FormBuilder.HEADING_HEIGHT;
    this.ensureSpace(h + keepWith);
    this.doc.rect(PAGE.marginLeft, this.y, CONTENT_WIDTH, h).fill(STYLE.headingFill);
    this.doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule).rect(PAGE.marginLeft, this.y, CONTENT_WIDTH, h).stroke();
    this.fitText(text, PAGE.marginLeft + STYLE.cellPadX + 2, this.y, CONTENT_WIDTH - 2 * STYLE.cellPadX - 4, h, { weight: 'bold', size: 10 });
    this.y += h;
  }

  /**
   * Running text without ruling (letters, notes), wrapped to the content width and
   * continued on the next pages as needed.
   */
  paragraph(text: string, options: { size?: number; weight?: FontWeight; align?: Align; color?: string } = {}): void {
    const size = options.size ?? STYLE.bodySize;
    const font = this.fontName(options.weight);
    const lineHeight = size * STYLE.leading;
    const lines = this.wrap(text, CONTENT_WIDTH, font, size);
    const pad = STYLE.cellPadY;
    this.startBlock(pad + Math.min(lines.length, 2) * lineHeight);
    this.y += pad;
    for (const line of lines) {
      if (lineHeight > this.spaceLeft) this.newPage();
      this.drawLine(line, PAGE.marginLeft, this.y + (lineHeight - size) / 2, CONTENT_WIDTH, font, size, options.align, options.color);
      this.y += lineHeight;
    }
    this.gap(pad);
  }

  /** Label/value pairs, `pairsPerRow` per row; `wide` fields take a whole row. */
  fieldGrid(fields: Field[], options: { pairsPerRow?: number; labelShare?: number } = {}): void {
    const pairsPerRow = options.pairsPerRow ?? 2;
    const labelShare = options.labelShare ?? 0.32; // of each label + value pair
    const columns: number[] = [];
    for (let i = 0; i < pairsPerRow; i++) columns.push(labelShare, 1 - labelShare);
    const rows: CellInput[][] = [];
    let row: CellInput[] = [];
    const labelCell = (text: string): Cell => ({ text, fill: STYLE.labelFill, color: STYLE.muted });
    const closeRow = () => {
      if (!row.length) return;
      // Stretch the last value over the columns left empty.
      const used = row.reduce((n, c) => n + (typeof c === 'string' ? 1 : c.span ?? 1), 0);
      const last = row[row.length - 1];
      const lastCell: Cell = typeof last === 'string' ? { text: last } : { ...last };
      lastCell.span = (lastCell.span ?? 1) + (columns.length - used);
      row[row.length - 1] = lastCell;
      rows.push(row);
      row = [];
    };
    for (const field of fields) {
      if (field.wide) {
        closeRow();
        row = [labelCell(field.label), { text: field.value }];
        closeRow();
        continue;
      }
      row.push(labelCell(field.label), { text: field.value });
      if (row.length === columns.length) closeRow();
    }
    closeRow();
    this.table({ columns, rows });
  }

  /** A long text in one ruled box (e.g. the description); it continues on the next pages as needed. */
  textBox(text: string): void {
    this.table({ columns: [1], rows: [[{ text }]] });
  }

  /**
   * A ruled table. Rows grow to fit their wrapped text; a row that does not fit on the
   * page moves to the next one, and a row taller than a whole page is split between lines.
   * The header row is repeated at the top of every continuation page.
   */
  table(spec: TableSpec): void {
    const total = spec.columns.reduce((a, b) => a + b, 0);
    const widths = spec.columns.map((c) => (c / total) * CONTENT_WIDTH);
    const size = spec.fontSize ?? STYLE.bodySize;
    const header = spec.header ? this.layoutRow(spec.header.map((c) => ({ weight: 'bold' as const, fill: STYLE.headerFill, ...toCell(c) })), widths, size) : null;
    const headerHeight = header ? rowHeight(header) : 0;
    const pageRoom = CONTENT_BOTTOM - PAGE.marginTop - headerHeight;

    const startPage = (first: boolean) => {
      if (!first) this.newPage();
      if (header) {
        this.drawRow(header, this.y, 0, Infinity);
        this.y += headerHeight;
      }
    };

    // Keep the heading and the header with the first row (or its first lines, if it is
    // taller than a page and will be split anyway).
    const firstRow = spec.rows.length ? this.layoutRow(spec.rows[0].map(toCell), widths, size) : null;
    const firstHeight = firstRow ? rowHeight(firstRow) : 0;
    this.startBlock(headerHeight + (firstRow && firstHeight > pageRoom ? minSplitHeight(firstRow) : firstHeight));
    startPage(true);

    spec.rows.forEach((input, index) => {
      const cells = index === 0 && firstRow ? firstRow : this.layoutRow(input.map(toCell), widths, size);
      const height = rowHeight(cells);
      // A row that fits on a page is never split: it moves to the next page whole.
      if (height > this.spaceLeft && height <= pageRoom) startPage(false);
      // Otherwise draw it in parts, as many lines as fit on each page.
      const totalLines = Math.max(1, ...cells.map((c) => c.lines.length));
      let from = 0;
      while (from < totalLines) {
        const remaining = totalLines - from;
        let fit = linesThatFit(cells, this.spaceLeft);
        if (fit < remaining && fit < MIN_SPLIT_LINES) {
          if (this.y > PAGE.marginTop + headerHeight) {
            startPage(false);
            continue;
          }
          fit = Math.max(fit, 1); // a fresh page always takes at least one line
        }
        const count = Math.min(fit, remaining);
        const h = partHeight(cells, count, from);
        this.drawRow(cells, this.y, from, count, h);
        this.y += h;
        from += count;
        if (from < totalLines) startPage(false);
      }
    });
  }

  /** Wrap every cell of a row into lines for the given column widths. */
  private layoutRow(cells: Cell[], widths: number[], defaultSize: number): CellLayout[] {
    const out: CellLayout[] = [];
    let col = 0;
    let x = PAGE.marginLeft;
    for (const cell of cells) {
      const span = Math.max(1, Math.min(cell.span ?? 1, widths.length - col));
      const width = widths.slice(col, col + span).reduce((a, b) => a + b, 0);
      const size = cell.size ?? defaultSize;
      const font = this.fontName(cell.weight);
      const lines = this.wrap(cell.text, width - 2 * STYLE.cellPadX, font, size);
      out.push({ cell, x, width, lines, font, size, lineHeight: size * STYLE.leading });
      x += width;
      col += span;
      if (col >= widths.length) break;
    }
    // Cells missing at the end of a short row are drawn empty, so the ruling stays closed.
    while (col < widths.length) {
      out.push({ cell: { text: '' }, x, width: widths[col], lines: [], font: FONT_REGULAR, size: defaultSize, lineHeight: defaultSize * STYLE.leading });
      x += widths[col];
      col++;
    }
    return out;
  }

  /** Draw lines [from, from + count) of every cell of a row, in a band of height `height` at `top`. */
  private drawRow(cells: CellLayout[], top: number, from: number, count: number, height = partHeight(cells, count, from)): void {
    const doc = this.doc;
    for (const c of cells) {
      if (c.cell.fill) doc.rect(c.x, top, c.width, height).fill(c.cell.fill);
      let lineTop = top + STYLE.cellPadY + (c.lineHeight - c.size) / 2;
      for (const line of c.lines.slice(from, from + count)) {
        this.drawLine(line, c.x + STYLE.cellPadX, lineTop, c.width - 2 * STYLE.cellPadX, c.font, c.size, c.cell.align, c.cell.color);
        lineTop += c.lineHeight;
      }
    }
    doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule);
    for (const c of cells) doc.rect(c.x, top, c.width, height).stroke();
  }

  /** Signature blocks, three per row: role · meaning, signer (or “未签署 / not yet signed”), date-time. */
  signatures(blocks: SignatureBlock[]): void {
    const perRow = 3;
    const gapX = 10;
    const boxW = (CONTENT_WIDTH - gapX * (perRow - 1)) / perRow;
    const headH = 18;
    const rowH = 17;
    const boxH = headH + 2 * rowH + 18; // header, signer, time, and room for a handwritten signature
    const labelW = this.language === 'bilingual' ? 78 : this.language === 'en' ? 56 : 50;
    const doc = this.doc;
    for (let i = 0; i < blocks.length; i += perRow) {
      this.startBlock(boxH);
      const top = this.y;
      blocks.slice(i, i + perRow).forEach((block, j) => {
        const x = PAGE.marginLeft + j * (boxW + gapX);
        const signed = Boolean(block.signer);
        doc.rect(x, top, boxW, headH).fill(STYLE.headerFill);
        this.fitText(`${block.role} · ${block.meaning}`, x + STYLE.cellPadX, top, boxW - 2 * STYLE.cellPadX, headH, { weight: 'bold', size: 9 });
        const rows: { name: string; value: string; weight: FontWeight; color: string }[] = [
          signed
            ? { name: this.t('signer'), value: block.signer as string, weight: 'bold', color: STYLE.text }
            : { name: this.t('signer'), value: localise(LABELS.notSigned, this.language, ' / '), weight: 'regular', color: STYLE.muted },
          { name: this.t('signedAt'), value: this.time(block.signedAt), weight: 'regular', color: STYLE.text },
        ];
        rows.forEach((row, k) => {
          const rowTop = top + headH + k * rowH;
          this.fitText(row.name, x + STYLE.cellPadX, rowTop, labelW - STYLE.cellPadX, rowH, { size: 8, color: STYLE.muted });
          this.fitText(row.value, x + labelW, rowTop, boxW - labelW - STYLE.cellPadX, rowH, { size: 9, weight: row.weight, color: row.color });
          // a writing line under each value
          doc.save().lineWidth(0.3).strokeColor('#b0b7c0');
          doc.moveTo(x + labelW, rowTop + rowH - 2).lineTo(x + boxW - STYLE.cellPadX, rowTop + rowH - 2).stroke();
          doc.restore();
        });
        doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule);
        doc.rect(x, top, boxW, boxH).stroke();
        doc.moveTo(x, top + headH).lineTo(x + boxW, top + headH).stroke();
      });
      this.y = top + boxH + STYLE.blockGap;
    }
  }

  // ---- finishing -----------------------------------------------------------------------

  /**
   * Draw the running header (continuation pages) and the footer (every page) on the
   * buffered pages, end the document and return its bytes.
   */
  async finish(): Promise<Buffer> {
    this.placeHeading(0);
    const doc = this.doc;
    const { start, count } = doc.bufferedPageRange();
    const title = localise(this.options.title, this.language, ' / ');
    const { company, caseNo, dataHash } = this.options;
    const sep = ' / ';
    const idText = `${localise(LABELS.caseNo, this.language, sep)} ${caseNo}   ${localise(LABELS.docNo, this.language, sep)} ${company.docNo}   ${localise(LABELS.revision, this.language, sep)} ${company.revision}`;
    const hashText = `${localise(LABELS.dataHash, this.language, sep)}: ${dataHash.slice(0, 16)}`;
    const timeText = `${localise(LABELS.generatedAt, this.language, sep)}: ${this.time(this.options.issuedAt)} ${this.zone}`;
    const half = CONTENT_WIDTH / 2;
    for (let i = 0; i < count; i++) {
      doc.switchToPage(start + i);
      if (i > 0) {
        // Running header: form title left, identification right, a rule below.
        const top = 24;
        this.fitText(title, PAGE.marginLeft, top, half - 6, 14, { weight: 'bold', size: 8.5, minSize: 6 });
        this.fitText(idText, PAGE.marginLeft + half, top, half, 14, { size: 8, minSize: 5.5, align: 'right' });
        doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule).moveTo(PAGE.marginLeft, top + 17).lineTo(PAGE.marginLeft + CONTENT_WIDTH, top + 17).stroke();
      }
      // Footer: data hash and generated time left, page x / y right.
      const top = PAGE.height - PAGE.marginBottom + 14;
      doc.lineWidth(STYLE.ruleWidth).strokeColor(STYLE.rule).moveTo(PAGE.marginLeft, top - 4).lineTo(PAGE.marginLeft + CONTENT_WIDTH, top - 4).stroke();
      const pageText = `${localise(LABELS.page, this.language, sep)} ${i + 1} / ${count}`;
      this.fitText(`${hashText}    ${timeText}`, PAGE.marginLeft, top, CONTENT_WIDTH - 110, 14, { size: 7.5, minSize: 5.5, color: STYLE.muted });
      this.fitText(pageText, PAGE.marginLeft + CONTENT_WIDTH - 110, top, 110, 14, { size: 8.5, align: 'right' });
    }
    doc.end();
    return this.done;
  }
}

// ---------------------------------------------------------------------------------------
// Row geometry helpers

/** A row taller than the page is split, but never into parts of fewer lines than this. */
const MIN_SPLIT_LINES = 2;

function toCell(input: CellInput): Cell {
  return typeof input === 'string' ? { text: input } : input;
}

/** Height of a band showing lines [from, from + count) of each cell (at least one line high). */
function partHeight(cells: CellLayout[], count: number, from = 0): number {
  let h = 0;
  for (const c of cells) h = Math.max(h, Math.max(1, Math.min(count, c.lines.length - from)) * c.lineHeight);
  return h + 2 * STYLE.cellPadY;
}

function rowHeight(cells: CellLayout[]): number {
  return partHeight(cells, Math.max(1, ...cells.map((c) => c.lines.length)));
}

/** Height the first part of a row needs if it has to be split. */
function minSplitHeight(cells: CellLayout[]): number {
  return partHeight(cells, MIN_SPLIT_LINES);
}

/** How many lines of a row fit in `space` points. */
function linesThatFit(cells: CellLayout[], space: number): number {
  const lineHeight = Math.max(...cells.map((c) => c.lineHeight));
  return Math.max(0, Math.floor((space - 2 * STYLE.cellPadY) / lineHeight));
}

// ---------------------------------------------------------------------------------------
// Times: `Intl.DateTimeFormat` per zone, created once (formatting is then a few µs; a
// document shows dozens of times).

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(zone);
  if (!f) {
    // Throws a RangeError for an unknown zone.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    FORMATTERS.set(zone, f);
  }
  return f;
}

/** An ISO timestamp with an explicit offset (or Z); one without is read as local time in the zone. */
const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** `YYYY-MM-DD HH:mm` and `UTC±h[:mm]` of an instant in `zone`, or null if `iso` is not a timestamp. */
function zonedTime(iso: string, zone: string): { text: string; offset: string } | null {
  let ms = HAS_OFFSET.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) {
    const dt = DateTime.fromISO(iso, { zone });
    if (!dt.isValid) return null;
    ms = dt.toMillis();
  }
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(ms)) parts[part.type] = part.value;
  const offset = parts.timeZoneName === 'GMT' ? 'UTC+0' : (parts.timeZoneName ?? '').replace('GMT', 'UTC');
  return { text: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`, offset };
}

function checkTimeZone(zone: string): string {
  try {
    formatter(zone);
  } catch {
    throw new RangeError(`FormBuilder: unknown time zone "${zone}"`);
  }
  return zone;
}

/**
 * CJK fonts for the official PDF documents: Noto Sans Hans (思源黑体 / Source Han Sans SC)
 * Regular and Bold from `@embedpdf/fonts-sc`, embedded as subsets.
 *
 * Why this module exists — performance. Given a file path or a Buffer, pdfkit 0.20
 * (`PDFFontFactory.open`) calls `fontkit.create()` for every document, so each document
 * re-parses the 8 MB OpenType font: the CFF charstring index, cmap, GSUB/GPOS lookups, and
 * every glyph outline it later subsets (outlines are parsed to find the subroutines a
 * subset needs). Measured, that is 125–200 ms per one-page form even when warm.
 *
 * pdfkit also accepts an already-opened fontkit font object as the font source (any
 * object with a `layout` function is used as is; see `PDFFontFactory.open`). So this
 * module opens each font ONCE per process with the very fontkit instance pdfkit uses and
 * registers that object on every document. fontkit caches parsed tables, glyph objects
 * and outlines on the font object, so later documents pay only for their own subset:
 * pdfkit still creates a fresh `font.createSubset()` per document (per-document
 * `EmbeddedFont`), so each PDF embeds only the glyphs it uses and no state leaks from
 * one document into another's bytes.
 *
 * Two more per-process caches sit on the shared font objects (see `shareFont`):
 *  - text shaping (`font.layout`) is memoised, because pdfkit's own layout cache lives
 *    on the per-document `EmbeddedFont` and is thrown away with each document;
 *  - the CFF subset is written by the compact subset writer below instead of
 *    fontkit's (see "CFF subset writer" for why: it is 10× faster and half the size).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Names under which the fonts are registered on every document. */
export const FONT_REGULAR = 'NotoSansHans-Regular';
export const FONT_BOLD = 'NotoSansHans-Bold';

/** The part of a fontkit font object this module touches. */
interface FontkitFont {
  layout(text: string, features?: unknown): FontkitGlyphRun;
  createSubset(): unknown;
}
interface FontkitGlyph {
  id: number;
}
interface FontkitPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}
interface FontkitGlyphRun {
  glyphs: FontkitGlyph[];
  positions: FontkitPosition[];
}

/** Load fontkit from pdfkit's own dependency tree, so pdfkit recognises the objects it creates. */
function loadFontkit(): { create(buffer: Uint8Array): FontkitFont } {
  const pdfkitDir = path.dirname(require.resolve('pdfkit'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('fontkit', { paths: [pdfkitDir] }));
}

/**
 * The fonts directory of `@embedpdf/fonts-sc`. Its `exports` map does not expose
 * `package.json`, so resolve the package entry (`dist/index.cjs`) and go up one level.
 */
export function fontsDirectory(): string {
  let entry: string;
  try {
    entry = require.resolve('@embedpdf/fonts-sc/package.json');
  } catch {
    entry = path.dirname(require.resolve('@embedpdf/fonts-sc'));
  }
  return path.join(path.dirname(entry), 'fonts');
}

/** Upper bound of memoised shaping results per font (distinct strings; a form uses a few hundred). */
const LAYOUT_CACHE_LIMIT = 20_000;

/**
 * Memoise `font.layout(text)` for plain calls (no OpenType feature overrides).
 *
 * pdfkit mutates what `layout` returns (it scales every position in place), so the cache
 * keeps its own copy of the unscaled numbers and hands out a fresh run each time, shaped
 * like fontkit's GlyphRun as far as pdfkit reads it: `glyphs`, `positions` and the
 * `advanceWidth` getter that sums the (possibly scaled) `xAdvance`s. Glyph objects are
 * fontkit's own per-font singletons and are shared, as they are without the cache.
 */
function memoiseLayout(font: FontkitFont): void {
  const layout = font.layout.bind(font);
  const cache = new Map<string, { glyphs: FontkitGlyph[]; numbers: Float64Array }>();
  font.layout = (text: string, features?: unknown): FontkitGlyphRun => {
    if (features !== undefined && features !== null) return layout(text, features);
    let hit = cache.get(text);
    if (!hit) {
      const run = layout(text);
      const numbers = new Float64Array(run.positions.length * 4);
      run.positions.forEach((p, i) => numbers.set([p.xAdvance, p.yAdvance, p.xOffset, p.yOffset], i * 4));
      hit = { glyphs: run.glyphs, numbers };
      if (cache.size >= LAYOUT_CACHE_LIMIT) cache.clear(); // crude bound; refills from the next documents
      cache.set(text, hit);
    }
    const { glyphs, numbers } = hit;
    const positions: FontkitPosition[] = new Array(glyphs.length);
    for (let i = 0; i < glyphs.length; i++) {
      const o = i * 4;
      positions[i] = { xAdvance: numbers[o], yAdvance: numbers[o + 1], xOffset: numbers[o + 2], yOffset: numbers[o + 3] };
    }
    return {
      glyphs: glyphs.slice(),
      positions,
      get advanceWidth(): number {
        let width = 0;
        for (const p of positions) width += p.xAdvance;
        return width;
      },
    } as FontkitGlyphRun;
  };
}

/** Prepare a freshly opened font for sharing between documents (see the module comment). */
function shareFont(font: FontkitFont, bytes: Buffer): FontkitFont {
  memoiseLayout(font);
  let program: CffProgram | null = null;
  try {
    program = CffProgram.fromOpenType(bytes);
  } catch (err) {
    if (!(err instanceof UnsupportedCff)) throw err; // e.g. a TrueType font: keep fontkit's subset
  }
  if (program) {
    const cff = program;
    const fontkitSubset = font.createSubset.bind(font) as () => PdfkitSubset;
    font.createSubset = () => new CffSubset(cff, fontkitSubset);
  }
  return font;
}

// =======================================================================================
// CFF subset writer
//
// fontkit's own CFF subset (what pdfkit uses by default) has two costs that dominate a
// one-page form once the font is shared:
//  - time: it serialises the subset with restructure's generic encoder, ~20 ms per font;
//  - size: it keeps every local/global subroutine slot and replaces the unused ones with
//    a one-byte `return`, because it does not rewrite the `callsubr` operands. Noto Sans
//    Hans keeps 22 293 local subroutines for its ideographs, so every subset carries an
//    89 KB index of placeholders (47 KB deflated) — about a third of a one-page form.
//
// `CffSubset` below writes a CID-keyed CFF that contains only the subroutines the chosen
// glyphs call, renumbered (most-called first, so most calls keep a one-byte operand), with
// the `callsubr` / `callgsubr` operands in the charstrings rewritten accordingly. The
// charstrings and subroutines are otherwise copied byte for byte, and the DICTs are copied
// raw with only offsets replaced, so outlines and hints are unchanged. It reads the font's
// own bytes (parsed once per process) and does not depend on fontkit internals.
//
// Anything it does not understand (a non-CID font, Type 2 arithmetic operators, a
// subroutine index that is not a literal right before the call, a subroutine whose hint
// mask length depends on the caller) raises `UnsupportedCff`, and that document falls
// back to fontkit's subset, so the worst case is the old speed, never a broken glyph.

class UnsupportedCff extends Error {}

/** A CFF INDEX located in the font bytes. */
interface CffIndex {
  count: number;
  offSize: number;
  offsetsAt: number;
  /** Offsets are relative to the byte before the data. */
  dataBase: number;
  end: number;
}

function readIndex(b: Buffer, pos: number): CffIndex {
  const count = b.readUInt16BE(pos);
  if (count === 0) return { count, offSize: 0, offsetsAt: pos + 2, dataBase: pos + 2, end: pos + 2 };
  const offSize = b[pos + 2];
  const offsetsAt = pos + 3;
  const dataBase = offsetsAt + (count + 1) * offSize - 1;
  return { count, offSize, offsetsAt, dataBase, end: dataBase + b.readUIntBE(offsetsAt + count * offSize, offSize) };
}

/** [start, end) of INDEX entry `i`. */
function indexEntry(b: Buffer, index: CffIndex, i: number): [number, number] {
  const at = index.offsetsAt + i * index.offSize;
  return [index.dataBase + b.readUIntBE(at, index.offSize), index.dataBase + b.readUIntBE(at + index.offSize, index.offSize)];
}

/** Encode an INDEX of byte strings. */
function encodeIndex(items: Uint8Array[]): Buffer {
  if (items.length === 0) return Buffer.from([0, 0]);
  const dataLength = items.reduce((n, item) => n + item.length, 0);
  const offSize = dataLength + 1 <= 0xff ? 1 : dataLength + 1 <= 0xffff ? 2 : dataLength + 1 <= 0xffffff ? 3 : 4;
  const out = Buffer.allocUnsafe(3 + (items.length + 1) * offSize + dataLength);
  out.writeUInt16BE(items.length, 0);
  out[2] = offSize;
  let offset = 1;
  let at = 3;
  let data = 3 + (items.length + 1) * offSize;
  out.writeUIntBE(offset, at, offSize);
  for (const item of items) {
    out.set(item, data);
    data += item.length;
    offset += item.length;
    at += offSize;
    out.writeUIntBE(offset, at, offSize);
  }
  return out;
}

// DICT operators (two-byte operators `12 x` are numbered 1200 + x).
const OP = {
  charset: 15,
  Encoding: 16,
  CharStrings: 17,
  Private: 18,
  Subrs: 19,
  UniqueID: 13,
  XUID: 14,
  ROS: 1230,
  CIDCount: 1234,
  UIDBase: 1235,
  FDArray: 1236,
  FDSelect: 1237,
} as const;

/** One DICT operator with its operands: raw bytes [start, end) and the integer operands. */
interface DictEntry {
  op: number;
  start: number;
  end: number;
  operands: number[];
}

function parseDict(b: Buffer, start: number, end: number): DictEntry[] {
  const entries: DictEntry[] = [];
  let operands: number[] = [];
  let entryStart = start;
  let p = start;
  while (p < end) {
    const b0 = b[p];
    if (b0 <= 21) {
      let op: number = b0;
      p++;
      if (b0 === 12) op = 1200 + b[p++];
      entries.push({ op, start: entryStart, end: p, operands });
      operands = [];
      entryStart = p;
    } else if (b0 === 28) {
      operands.push(b.readInt16BE(p + 1));
      p += 3;
    } else if (b0 === 29) {
      operands.push(b.readInt32BE(p + 1));
      p += 5;
    } else if (b0 === 30) {
      // A real: nibbles up to the end nibble 0xf. Only copied, never needed as a number.
      p++;
      while (p < end) {
        const n = b[p++];
        if (n >> 4 === 0xf || (n & 0xf) === 0xf) break;
      }
      operands.push(Number.NaN);
    } else if (b0 >= 32 && b0 <= 246) {
      operands.push(b0 - 139);
      p++;
    } else if (b0 >= 247 && b0 <= 250) {
      operands.push((b0 - 247) * 256 + b[p + 1] + 108);
      p += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      operands.push(-(b0 - 251) * 256 - b[p + 1] - 108);
      p += 2;
    } else {
      throw new UnsupportedCff(`DICT byte ${b0}`);
    }
  }
  return entries;
}

/** A DICT integer in the fixed five-byte form, so offsets can be filled in without changing sizes. */
function dictInt5(v: number): number[] {
  return [29, (v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function dictOp(op: number): number[] {
  return op >= 1200 ? [12, op - 1200] : [op];
}

/** Raw bytes of the DICT entries whose operator is not in `drop`. */
function keepEntries(b: Buffer, entries: DictEntry[], drop: ReadonlySet<number>): Buffer {
  return Buffer.concat(entries.filter((e) => !drop.has(e.op)).map((e) => b.subarray(e.start, e.end)));
}

/** The subroutine number bias of an index with `count` entries (Type 2 charstrings). */
function subrBias(count: number): number {
  return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

/** A Type 2 charstring integer operand. */
function charstringInt(v: number): number[] {
  if (v >= -107 && v <= 107) return [v + 139];
  if (v >= 108 && v <= 1131) return [((v - 108) >> 8) + 247, (v - 108) & 0xff];
  if (v >= -1131 && v <= -108) return [((-v - 108) >> 8) + 251, (-v - 108) & 0xff];
  return [28, (v >> 8) & 0xff, v & 0xff];
}

interface FontDict {
  entries: DictEntry[];
  privateEntries: DictEntry[];
  subrs: CffIndex | null;
}

/** The parts of a CID-keyed CFF table the subset writer needs, parsed once per font. */
class CffProgram {
  readonly name: Buffer;
  readonly topDict: DictEntry[];
  readonly strings: Buffer[];
  readonly globalSubrs: CffIndex;
  readonly charStrings: CffIndex;
  readonly fdOfGlyph: Uint8Array;
  readonly fontDicts: FontDict[];

  constructor(
    readonly b: Buffer,
    base: number,
  ) {
    const hdrSize = b[base + 2];
    const names = readIndex(b, base + hdrSize);
    const [ns, ne] = indexEntry(b, names, 0);
    this.name = b.subarray(ns, ne);
    const tops = readIndex(b, names.end);
    const [ts, te] = indexEntry(b, tops, 0);
    this.topDict = parseDict(b, ts, te);
    const strings = readIndex(b, tops.end);
    this.strings = Array.from({ length: strings.count }, (_, i) => {
      const [s, e] = indexEntry(b, strings, i);
      return b.subarray(s, e);
    });
    this.globalSubrs = readIndex(b, strings.end);

    const top = (op: number) => this.topDict.find((e) => e.op === op)?.operands;
    const charStrings = top(OP.CharStrings);
    const fdArray = top(OP.FDArray);
    const fdSelect = top(OP.FDSelect);
    if (!top(OP.ROS) || !charStrings || !fdArray || !fdSelect) throw new UnsupportedCff('not a CID-keyed CFF');
    this.charStrings = readIndex(b, base + charStrings[0]);

    // FDSelect: glyph → font DICT.
    const n = this.charStrings.count;
    this.fdOfGlyph = new Uint8Array(n);
    let p = base + fdSelect[0];
    const format = b[p++];
    if (format === 0) {
      this.fdOfGlyph.set(b.subarray(p, p + n));
    } else if (format === 3) {
      const ranges = b.readUInt16BE(p);
      p += 2;
      for (let r = 0; r < ranges; r++, p += 3) {
        const first = b.readUInt16BE(p);
        const next = b.readUInt16BE(p + 3); // the next range's first glyph, or the sentinel
        this.fdOfGlyph.fill(b[p + 2], first, Math.min(next, n));
      }
    } else {
      throw new UnsupportedCff(`FDSelect format ${format}`);
    }

    // Font DICTs with their Private DICTs and local subroutines.
    const fds = readIndex(b, base + fdArray[0]);
    this.fontDicts = Array.from({ length: fds.count }, (_, i) => {
      const [s, e] = indexEntry(b, fds, i);
      const entries = parseDict(b, s, e);
      const priv = entries.find((x) => x.op === OP.Private)?.operands;
      if (!priv || priv.length !== 2) return { entries, privateEntries: [], subrs: null };
      const privateStart = base + priv[1];
      const privateEntries = parseDict(b, privateStart, privateStart + priv[0]);
      const subrsOffset = privateEntries.find((x) => x.op === OP.Subrs)?.operands[0];
      return { entries, privateEntries, subrs: subrsOffset === undefined ? null : readIndex(b, privateStart + subrsOffset) };
    });
  }

  /** Locate the 'CFF ' table of an OpenType font and parse it. */
  static fromOpenType(b: Buffer): CffProgram {
    const numTables = b.readUInt16BE(4);
    for (let i = 0; i < numTables; i++) {
      const record = 12 + i * 16;
      if (b.toString('latin1', record, record + 4) === 'CFF ') return new CffProgram(b, b.readUInt32BE(record + 8));
    }
    throw new UnsupportedCff('no CFF table');
  }
}

/** Where a charstring or subroutine calls a subroutine: the operand's bytes and the original number. */
interface CallSite {
  at: number;
  end: number;
  global: boolean;
  index: number;
}

/** A charstring or subroutine as analysed: its bytes, its call sites, its hint mask lengths. */
interface Block {
  start: number;
  end: number;
  calls: CallSite[];
  masks: Map<number, number>;
  /** Set once a run went through the block without error; until then it is re-recorded. */
  complete: boolean;
}

/** How often one glyph calls each global and local subroutine (directly or nested). */
interface GlyphTrace {
  fd: number;
  global: Map<number, number>;
  local: Map<number, number>;
}

/**
 * Runs charstrings just far enough to know which subroutines they call (Type 2: the
 * subroutine number is the operand pushed right before `callsubr`) and how long each hint
 * mask is (it depends on the number of stems declared so far, which is why the run follows
 * the calls in execution order). Charstrings never change, so blocks and glyph traces are
 * kept for the life of the process; a subroutine whose mask length differs between two
 * callers, even in different documents, is reported as unsupported.
 */
class CharstringAnalysis {
  readonly blocks = new Map<string, Block>();
  private readonly traces = new Map<number, GlyphTrace>();

  constructor(private readonly program: CffProgram) {}

  block(key: string): Block {
    const block = this.blocks.get(key);
    if (!block?.complete) throw new UnsupportedCff(`block ${key} not analysed`);
    return block;
  }

  glyph(gid: number): GlyphTrace {
    let trace = this.traces.get(gid);
    if (trace) return trace;
    const { b, charStrings } = this.program;
    if (gid >= charStrings.count) throw new UnsupportedCff(`glyph ${gid} out of range`);
    const [s, e] = indexEntry(b, charStrings, gid);
    trace = { fd: this.program.fdOfGlyph[gid], global: new Map(), local: new Map() };
    this.run(`c${gid}`, s, e, trace, { stack: [], stems: 0, done: false }, 0);
    this.traces.set(gid, trace);
    return trace;
  }

  private run(key: string, start: number, end: number, trace: GlyphTrace, state: { stack: number[]; stems: number; done: boolean }, depth: number): void {
    if (depth > 10) throw new UnsupportedCff('subroutine nesting too deep');
    const b = this.program.b;
    let block = this.blocks.get(key);
    const record = !block?.complete;
    if (!block || record) {
      block = { start, end, calls: [], masks: new Map(), complete: false };
      this.blocks.set(key, block);
    }
    const stack = state.stack;
    let numberStart = -1;
    let numberEnd = -1;
    let p = start;
    while (p < end && !state.done) {
      const b0 = b[p];
      if (b0 >= 32 || b0 === 28) {
        numberStart = p;
        if (b0 === 28) {
          stack.push(b.readInt16BE(p + 1));
          p += 3;
        } else if (b0 <= 246) {
          stack.push(b0 - 139);
          p += 1;
        } else if (b0 <= 250) {
          stack.push((b0 - 247) * 256 + b[p + 1] + 108);
          p += 2;
        } else if (b0 <= 254) {
          stack.push(-(b0 - 251) * 256 - b[p + 1] - 108);
          p += 2;
        } else {
          stack.push(b.readInt32BE(p + 1) / 65536); // 255: 16.16 fixed
          p += 5;
        }
        numberEnd = p;
        continue;
      }
      const opStart = p++;
      switch (b0) {
        case 1: // hstem
        case 3: // vstem
        case 18: // hstemhm
        case 23: // vstemhm
          state.stems += stack.length >> 1;
          stack.length = 0;
          break;
        case 19: // hintmask
        case 20: {
          // cntrmask; operands left on the stack are an implicit vstem
          state.stems += stack.length >> 1;
          stack.length = 0;
          const bytes = (state.stems + 7) >> 3;
          const rel = opStart - start;
          const seen = block.masks.get(rel);
          if (seen === undefined) block.masks.set(rel, bytes);
          else if (seen !== bytes) throw new UnsupportedCff('hint mask length depends on the caller');
          p += bytes;
          break;
        }
        case 10: // callsubr
        case 29: {
          // callgsubr
          if (numberEnd !== opStart || !stack.length) throw new UnsupportedCff('subroutine number is not a literal operand');
          const global = b0 === 29;
          const subrs = global ? this.program.globalSubrs : this.program.fontDicts[trace.fd]?.subrs;
          const index = (stack.pop() as number) + subrBias(subrs?.count ?? 0);
          if (!subrs || !Number.isInteger(index) || index < 0 || index >= subrs.count) throw new UnsupportedCff('bad subroutine number');
          if (record) block.calls.push({ at: numberStart - start, end: numberEnd - start, global, index });
          const use = global ? trace.global : trace.local;
          use.set(index, (use.get(index) ?? 0) + 1);
          const [s, e] = indexEntry(b, subrs, index);
          this.run(global ? `g${index}` : `l${trace.fd}:${index}`, s, e, trace, state, depth + 1);
          break;
        }
        case 11: // return
          block.complete = true;
          return;
        case 14: // endchar
          stack.length = 0;
          state.done = true;
          block.complete = true;
          return;
        case 12: {
          const b1 = b[p++];
          // dotsection, hflex, flex, hflex1, flex1: clear the stack; the arithmetic and
          // storage operators would need a real interpreter.
          if (b1 === 0 || (b1 >= 34 && b1 <= 37)) stack.length = 0;
          else throw new UnsupportedCff(`charstring operator 12 ${b1}`);
          break;
        }
        case 4:
        case 5:
        case 6:
        case 7:
        case 8:
        case 21:
        case 22:
        case 24:
        case 25:
        case 26:
        case 27:
        case 30:
        case 31:
          stack.length = 0; // path operators
          break;
        default:
          throw new UnsupportedCff(`charstring operator ${b0}`);
      }
      numberEnd = -1;
    }
    block.complete = true; // end of the bytes, or an endchar inside a called subroutine
  }
}

/** Most-called first (ties by original number): the new numbering of the used subroutines. */
function renumber(use: Map<number, number> | undefined): { order: number[]; newIndex: Map<number, number> } {
  const order = [...(use ?? new Map<number, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([index]) => index);
  return { order, newIndex: new Map(order.map((index, i) => [index, i])) };
}

/** Copy a block, replacing each call's operand by the subroutine's new (biased) number. */
function rewriteBlock(b: Buffer, block: Block, globalIndex: Map<number, number>, globalBias: number, localIndex: Map<number, number>, localBias: number): Buffer {
  if (!block.calls.length) return b.subarray(block.start, block.end);
  const parts: Uint8Array[] = [];
  let from = block.start;
  for (const call of block.calls) {
    parts.push(b.subarray(from, block.start + call.at));
    const index = call.global ? globalIndex.get(call.index) : localIndex.get(call.index);
    if (index === undefined) throw new UnsupportedCff('unnumbered subroutine');
    parts.push(Uint8Array.from(charstringInt(index - (call.global ? globalBias : localBias))));
    from = block.start + call.end;
  }
  parts.push(b.subarray(from, block.end));
  return Buffer.concat(parts);
}

const TOP_DICT_DROP = new Set<number>([OP.ROS, OP.charset, OP.Encoding, OP.CharStrings, OP.Private, OP.FDArray, OP.FDSelect, OP.CIDCount, OP.UIDBase, OP.UniqueID, OP.XUID]);
const FONT_DICT_DROP = new Set<number>([OP.Private]);
const PRIVATE_DICT_DROP = new Set<number>([OP.Subrs]);
const STANDARD_STRINGS = 391;

/** One analysis per font program, kept for the life of the process. */
const analyses = new WeakMap<CffProgram, CharstringAnalysis>();

/** Write the CID-keyed CFF holding `glyphs` (old glyph ids, in new-id order; `glyphs[0]` is .notdef). */
function writeCffSubset(program: CffProgram, glyphs: readonly number[]): Buffer {
  const b = program.b;
  let analysis = analyses.get(program);
  if (!analysis) {
    analysis = new CharstringAnalysis(program);
    analyses.set(program, analysis);
  }
  const traces = glyphs.map((gid) => analysis.glyph(gid));

  // Subroutine use in this subset: global, and local per font DICT.
  const globalUse = new Map<number, number>();
  const localUse = new Map<number, Map<number, number>>();
  for (const trace of traces) {
    for (const [index, n] of trace.global) globalUse.set(index, (globalUse.get(index) ?? 0) + n);
    let use = localUse.get(trace.fd);
    if (!use) localUse.set(trace.fd, (use = new Map()));
    for (const [index, n] of trace.local) use.set(index, (use.get(index) ?? 0) + n);
  }

  // Renumbering: global, then per used font DICT.
  const global = renumber(globalUse);
  const globalBias = subrBias(global.order.length);
  const usedFds = [...localUse.keys()].sort((x, y) => x - y);
  const newFd = new Map(usedFds.map((fd, i) => [fd, i]));
  const locals = new Map(usedFds.map((fd) => [fd, renumber(localUse.get(fd))]));
  const rewrite = (key: string, fd: number) => {
    const local = locals.get(fd);
    return rewriteBlock(b, analysis.block(key), global.newIndex, globalBias, local?.newIndex ?? new Map(), subrBias(local?.order.length ?? 0));
  };

  const charStrings = encodeIndex(glyphs.map((gid) => rewrite(`c${gid}`, program.fdOfGlyph[gid])));
  // A global subroutine that called a local one would call a different local per font
  // DICT; with no font DICT (-1) such a call finds no number and the subset falls back.
  const globalSubrs = encodeIndex(global.order.map((index) => rewrite(`g${index}`, -1)));
  // Local subroutines only ever call their own font DICT's locals (and globals).
  const privates = usedFds.map((fd) => {
    const local = locals.get(fd) as { order: number[] };
    const subrs = local.order.length ? encodeIndex(local.order.map((index) => rewrite(`l${fd}:${index}`, fd))) : null;
    const kept = keepEntries(b, program.fontDicts[fd].privateEntries, PRIVATE_DICT_DROP);
    // Subrs sit right after their Private DICT: the offset is the DICT's own length.
    const subrsOp = subrs ? [...dictInt5(0), ...dictOp(OP.Subrs)] : [];
    const dict = Buffer.concat([kept, Buffer.from(subrsOp)]);
    if (subrs) dict.set(dictInt5(dict.length).slice(1), kept.length + 1);
    return { dict, subrs };
  });

  // Strings: the font's own, plus 'Adobe' / 'Identity' for the ROS if it lacks them.
  const strings = [...program.strings];
  const sid = (text: string) => {
    let i = strings.findIndex((s) => s.toString('latin1') === text);
    if (i < 0) i = strings.push(Buffer.from(text, 'latin1')) - 1;
    return STANDARD_STRINGS + i;
  };
  const ros = Buffer.from([...dictInt(sid('Adobe')), ...dictInt(sid('Identity')), ...dictInt(0), ...dictOp(OP.ROS)]);

  // charset: identity (CID n = glyph n), so pdfkit's Identity-H codes are the new glyph ids.
  const charset = glyphs.length > 1 ? Buffer.from([2, 0, 1, ((glyphs.length - 2) >> 8) & 0xff, (glyphs.length - 2) & 0xff]) : Buffer.from([0]);
  // FDSelect format 3: runs of glyphs with the same font DICT.
  const ranges: number[] = [];
  glyphs.forEach((gid, i) => {
    const fd = newFd.get(program.fdOfGlyph[gid]) as number;
    if (i === 0 || ranges[ranges.length - 1] !== fd) ranges.push((i >> 8) & 0xff, i & 0xff, fd);
  });
  const fdSelect = Buffer.from([3, ((ranges.length / 3) >> 8) & 0xff, (ranges.length / 3) & 0xff, ...ranges, (glyphs.length >> 8) & 0xff, glyphs.length & 0xff]);

  const keptTop = keepEntries(b, program.topDict, TOP_DICT_DROP);
  const topDict = (offsets: { charset: number; fdSelect: number; charStrings: number; fdArray: number }) =>
    Buffer.concat([
      ros,
      keptTop,
      Buffer.from([
        ...dictInt5(glyphs.length),
        ...dictOp(OP.CIDCount),
        ...dictInt5(offsets.charset),
        ...dictOp(OP.charset),
        ...dictInt5(offsets.fdSelect),
        ...dictOp(OP.FDSelect),
        ...dictInt5(offsets.charStrings),
        ...dictOp(OP.CharStrings),
        ...dictInt5(offsets.fdArray),
        ...dictOp(OP.FDArray),
      ]),
    ]);
  const fontDicts = (privateOffsets: number[]) =>
    encodeIndex(
      usedFds.map((fd, i) =>
        Buffer.concat([keepEntries(b, program.fontDicts[fd].entries, FONT_DICT_DROP), Buffer.from([...dictInt5(privates[i].dict.length), ...dictInt5(privateOffsets[i]), ...dictOp(OP.Private)])]),
      ),
    );

  // Layout: every offset field has a fixed size, so sizes are known before offsets.
  const header = Buffer.from([1, 0, 4, 4]);
  const nameIndex = encodeIndex([program.name]);
  const stringIndex = encodeIndex(strings);
  const topSize = encodeIndex([topDict({ charset: 0, fdSelect: 0, charStrings: 0, fdArray: 0 })]).length;
  let at = header.length + nameIndex.length + topSize + stringIndex.length + globalSubrs.length;
  const offsets = { charset: at, fdSelect: (at += charset.length), charStrings: (at += fdSelect.length), fdArray: (at += charStrings.length) };
  at += fontDicts(usedFds.map(() => 0)).length;
  const privateOffsets = privates.map((p) => {
    const offset = at;
    at += p.dict.length + (p.subrs?.length ?? 0);
    return offset;
  });
  const out = Buffer.concat([
    header,
    nameIndex,
    encodeIndex([topDict(offsets)]),
    stringIndex,
    globalSubrs,
    charset,
    fdSelect,
    charStrings,
    fontDicts(privateOffsets),
    ...privates.flatMap((p) => (p.subrs ? [p.dict, p.subrs] : [p.dict])),
  ]);
  if (out.length !== at) throw new Error(`CFF subset layout mismatch: ${out.length} != ${at}`);
  return out;
}

/** A DICT integer in its shortest form (for the ROS string ids). */
function dictInt(v: number): number[] {
  if (v >= -107 && v <= 107) return [v + 139];
  if (v >= 108 && v <= 1131) return [((v - 108) >> 8) + 247, (v - 108) & 0xff];
  if (v >= -1131 && v <= -108) return [((-v - 108) >> 8) + 251, (-v - 108) & 0xff];
  if (v >= -32768 && v <= 32767) return [28, (v >> 8) & 0xff, v & 0xff];
  return dictInt5(v);
}

/** What pdfkit's EmbeddedFont uses of a subset: `includeGlyph`, `encode`, and `cff` to know it is CFF. */
interface PdfkitSubset {
  readonly cff: unknown;
  includeGlyph(glyph: number): number;
  encode(): Uint8Array;
}

/**
 * Which CFF subsetter embeds the fonts: 'compact' (the writer above, the default) or
 * 'fontkit' (pdfkit's default, kept as the reference the tests compare against and as a
 * switch should a font ever need it). Read when a document embeds its fonts.
 */
export const fontSubsetting: { writer: 'compact' | 'fontkit' } = { writer: 'compact' };

/** How many subsets each writer produced in this process, and why the last fallback happened. */
export const subsetStats = { compact: 0, fallback: 0, lastFallbackReason: '' };

/** A per-document glyph subset written by `writeCffSubset`, with fontkit's subset as the fallback. */
class CffSubset implements PdfkitSubset {
  readonly cff = true;
  private readonly glyphs: number[] = [0]; // .notdef first, as in every CFF
  private readonly mapping = new Map<number, number>([[0, 0]]);

  constructor(
    private readonly program: CffProgram,
    private readonly fallback: () => PdfkitSubset,
  ) {}

  includeGlyph(glyph: number): number {
    let id = this.mapping.get(glyph);
    if (id === undefined) {
      id = this.glyphs.push(glyph) - 1;
      this.mapping.set(glyph, id);
    }
    return id;
  }

  encode(): Uint8Array {
    if (fontSubsetting.writer === 'fontkit') return this.fontkitEncode();
    try {
      const out = writeCffSubset(this.program, this.glyphs);
      subsetStats.compact++;
      return out;
    } catch (err) {
      if (!(err instanceof UnsupportedCff)) throw err;
      subsetStats.fallback++;
      subsetStats.lastFallbackReason = err.message;
      return this.fontkitEncode();
    }
  }

  /** fontkit's subset of the same glyphs, included in the same order so the glyph ids match. */
  private fontkitEncode(): Uint8Array {
    const subset = this.fallback();
    for (const glyph of this.glyphs) subset.includeGlyph(glyph);
    return subset.encode();
  }
}

// =======================================================================================

interface LoadedFonts {
  regular: FontkitFont;
  bold: FontkitFont;
}
let loaded: LoadedFonts | null = null;

/** Shaped once when the fonts are opened, so fontkit parses cmap, metrics, GSUB and GPOS up front. */
const PRIMING_TEXT = '市场品质异常处理报告（第 1 版）Market Quality Report, 2026-11-23 09:30 — 页次 1 / 2';

/**
 * Open both fonts (once per process) and prime them. Call it early, e.g. when a worker
 * starts, to take the cold cost off the first document.
 */
export function loadFonts(): LoadedFonts {
  if (loaded) return loaded;
  const fontkit = loadFontkit();
  const dir = fontsDirectory();
  const open = (file: string) => {
    const bytes = fs.readFileSync(path.join(dir, file));
    const font = shareFont(fontkit.create(bytes), bytes);
    font.layout(PRIMING_TEXT);
    return font;
  };
  loaded = { regular: open('NotoSansHans-Regular.otf'), bold: open('NotoSansHans-Bold.otf') };
  return loaded;
}

/** Register the shared Regular and Bold fonts on a document under FONT_REGULAR / FONT_BOLD. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const fonts = loadFonts();
  // @types/pdfkit only lists paths and buffers, but pdfkit uses a fontkit font object as is.
  doc.registerFont(FONT_REGULAR, fonts.regular as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont(FONT_BOLD, fonts.bold as unknown as PDFKit.Mixins.PDFFontSource);
}

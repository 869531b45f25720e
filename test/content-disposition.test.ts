/** api/content-disposition.ts: any file name gives a header value Node accepts and clients decode. */
import { validateHeaderValue } from 'node:http';
import { contentDisposition } from '../api/content-disposition';

test.each([
  ['CC-2026-0001-market_quality_report-1.pdf'],
  ['客户抱怨回馈 2026-10.pdf'],
  ['a "quoted" \\ name.xlsx'],
])('%s', (name) => {
  const v = contentDisposition('attachment', name);
  expect(() => validateHeaderValue('Content-Disposition', v)).not.toThrow();
  expect(v).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
  expect(decodeURIComponent(v.split("filename*=UTF-8''")[1])).toBe(name);
  expect(v.split('"')).toHaveLength(3); // the plain name cannot end early
});

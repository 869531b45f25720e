/**
 * A Content-Disposition value that survives any file name (RFC 6266): an ASCII fallback for
 * old clients and the exact name in UTF-8 (`filename*`). Node refuses a header with
 * characters outside Latin-1, and a quote or backslash would end the plain `filename` early.
 */
export function contentDisposition(type: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * The page shell of what customers open from an e-mail link — the satisfaction survey after a
 * case (api/routes/survey.ts) and the quarterly questionnaire (api/routes/csi.ts): no sign-in,
 * no script, nothing cached or sent on as a referrer, forms posted only to this site.
 */
import type { Response } from 'express';

export const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function customerPage(res: Response, o: { status: number; lang: 'zh' | 'en'; title: string; body: string; switchHref?: string }): void {
  const other = o.lang === 'zh' ? { code: 'en', name: 'English' } : { code: 'zh-CN', name: '中文' };
  res
    .status(o.status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .send(`<!doctype html><html lang="${o.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)}</title><style>
body{font-family:system-ui,"Noto Sans SC","Microsoft YaHei",sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1f2933;line-height:1.5}
fieldset{border:1px solid #d9e2ec;border-radius:.5rem;margin:1rem 0;padding:.8rem 1rem}legend{font-weight:600}
fieldset.invalid{border-color:#b42318}label{display:inline-block;margin:.2rem .8rem .2rem 0}textarea{width:100%;min-height:4.5rem}
.error{color:#b42318;font-weight:600}button{font-size:1rem;padding:.5rem 1.5rem;border-radius:.4rem;border:0;background:#1f5fbf;color:#fff}
button:focus,input:focus,textarea:focus,a:focus{outline:3px solid #f5a623;outline-offset:2px}small{color:#52606d}.lang{float:right}
</style></head><body>${o.switchHref ? `<p class="lang"><a href="${esc(o.switchHref)}" lang="${other.code}">${other.name}</a></p>` : ''}${o.body}</body></html>`);
}

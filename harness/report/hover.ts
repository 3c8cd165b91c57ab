/**
 * The one script the HTML reports carry: hovering a chart mark shows its description as text.
 * vega writes each mark's description (its tooltip fields) as the element's aria-label; the script
 * shows that label in `#tip` with textContent (never as markup). A page allows this script alone,
 * by its hash, in its Content-Security-Policy.
 */
import { createHash } from 'node:crypto';

export const HOVER_SCRIPT = `(() => {
  const tip = document.getElementById('tip');
  document.addEventListener('mouseover', (e) => {
    const el = e.target instanceof Element ? e.target.closest('figure svg [aria-label]') : null;
    const label = el && el.getAttribute('aria-roledescription') !== 'group mark' ? el.getAttribute('aria-label') : null;
    if (!label) { tip.hidden = true; return; }
    tip.textContent = label;
    tip.style.left = (e.pageX + 12) + 'px';
    tip.style.top = (e.pageY + 12) + 'px';
    tip.hidden = false;
  });
})();`;

/** The page's Content-Security-Policy: inline styles, and no script but HOVER_SCRIPT. */
export const HOVER_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(HOVER_SCRIPT).digest('base64')}'`;

/** The tip's style. */
export const TIP_STYLE =
  '#tip { position: absolute; max-width: 640px; background: #fff; border: 1px solid #888; padding: 4px 8px; font-size: 13px; white-space: pre-wrap; pointer-events: none; }';

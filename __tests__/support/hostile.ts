/**
 * A corpus of hostile strings: what an attacker (or a broken tool) could put into any string a
 * run record carries. Suites feed every entry into every field a run value reaches and check
 * that each report still means what it says.
 */

export interface HostileString {
  /** What the entry attacks, for test names. */
  readonly name: string;
  readonly value: string;
}

const ESC = '\u001b';

export const HOSTILE_STRINGS: readonly HostileString[] = [
  { name: 'script element', value: '<script>alert(1)</script>' },
  { name: 'closing script tag', value: '</script><script>alert(1)</script>' },
  { name: 'attribute breakout with onerror', value: '"><img src=x onerror=alert(1)>' },
  { name: 'single-quote attribute breakout', value: "' onmouseover='alert(1)" },
  { name: 'svg onload', value: '<svg/onload=alert(1)>' },
  { name: 'html comment and CDATA', value: '<!-- x --><![CDATA[ y ]]>' },
  { name: 'CDATA end', value: ']]>' },
  { name: 'html entity', value: '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62;' },
  { name: 'backticks', value: '`x` `` ``` `' },
  { name: 'code span breakout', value: '`<img src=x onerror=alert(1)>`' },
  { name: 'markdown link', value: '[click](javascript:alert(1))' },
  { name: 'markdown image', value: '![img](http://127.0.0.1/x.png)' },
  { name: 'reference link', value: '[a][b]\n\n[b]: http://127.0.0.1/evil' },
  { name: 'autolink', value: '<http://127.0.0.1/evil> <mailto:a@b.c>' },
  { name: 'bare urls', value: 'http://127.0.0.1/evil www.example.com a@example.com' },
  { name: 'table pipes', value: '| a | b |\n|---|---|' },
  { name: 'escaped pipe', value: 'a\\|b\\' },
  { name: 'trailing backslash', value: 'x\\' },
  { name: 'newlines', value: 'line one\nline two\r\n\n## heading\n- item' },
  { name: 'heading and emphasis', value: '# h1 **bold** _it_ ~~del~~' },
  { name: 'html block', value: '<div>\n<b>bold</b>\n</div>' },
  { name: 'details element', value: '<details open><summary>x</summary>y</details>' },
  { name: 'NUL', value: 'a\u0000b' },
  { name: 'C0 controls', value: 'a\u0001\u0007\u0008\u000b\u000c\u001f\u007fb' },
  { name: 'ANSI colour and clear screen', value: `${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}[H` },
  { name: 'OSC hyperlink and title', value: `${ESC}]8;;http://127.0.0.1/evil${ESC}\\link${ESC}]8;;${ESC}\\ ${ESC}]0;title\u0007` },
  { name: 'C1 controls', value: 'a\u0085\u009b31mb' },
  { name: 'line and paragraph separators', value: 'a\u2028b\u2029c' },
  { name: 'lone high surrogate', value: 'a\ud800b' },
  { name: 'lone low surrogate', value: 'a\udc00b' },
  { name: 'noncharacters', value: 'a\ufffe\uffffb' },
  { name: 'BOM', value: '\ufeffbom' },
  { name: 'RTL override', value: 'abc\u202edcba\u202c \u2066x\u2069' },
  { name: 'template literal', value: '${process.exit(1)} ${{7*7}}' },
  { name: 'mustache', value: '{{constructor.constructor("alert(1)")()}} {%raw%}' },
  { name: 'JSON breakout', value: '"}]},{"x":"' },
  { name: 'astral characters', value: '😀 𝕏' },
  { name: 'Object.prototype key', value: 'constructor' },
  { name: 'another Object.prototype key', value: 'hasOwnProperty' },
  { name: 'very long', value: `${'A'.repeat(20_000)}<script>x</script>` },
];


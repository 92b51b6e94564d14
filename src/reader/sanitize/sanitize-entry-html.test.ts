import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlSafetyProblems } from './html-safety-problems.ts';
import { sanitizeEntryHtml } from './sanitize-entry-html.ts';

const BASE = { baseUrl: 'https://example.org/articles/1.html' };

function clean(html: string, baseUrl: string | null = BASE.baseUrl): string {
  return sanitizeEntryHtml(html, { baseUrl });
}

// [name, payload]. Families from the OWASP XSS filter evasion cheat sheet and known mutation XSS.
const XSS_VECTORS: [string, string][] = [
  ['script tag', '<script>alert(1)</script>'],
  ['script upper case with src', '<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>'],
  ['script mixed case', '<ScRiPt>alert(1)</sCrIpT>'],
  ['script with slash attribute', '<script/xss src="http://xss.example/xss.js"></script>'],
  ['extra open bracket', '<<script>alert(1);//<</script>'],
  ['unclosed script', '<p>hi</p><script>alert(1)'],
  ['split script', '<scr<script>ipt>alert(1)</scr</script>ipt>'],
  ['script after fake attribute', '<img """><script>alert(1)</script>">'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['img with valid src and handlers', '<img src="https://ok.example/a.png" onerror="alert(1)" onload=alert(2)>'],
  ['img javascript src', `<IMG SRC="javascript:alert('XSS');">`],
  ['img case-obfuscated scheme', `<IMG SRC=JaVaScRiPt:alert('XSS')>`],
  [
    'img decimal entities',
    '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  ],
  [
    'img hex entities without semicolons',
    '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  ],
  ['img embedded tab', `<IMG SRC="jav&#x09;ascript:alert('XSS');">`],
  ['img embedded newline', `<IMG SRC="jav&#x0A;ascript:alert('XSS');">`],
  ['img leading spaces and control', `<IMG SRC=" &#14;  javascript:alert('XSS');">`],
  ['img src=x with eval(src)', '<img src=x:alert(1) onerror=eval(src) alt=0>'],
  ['img unterminated attribute', '<p>a</p><img src="javascript:alert(1)'],
  ['img unterminated tag', '<img src="x onerror=alert(1)//'],
  ['svg onload', '<svg onload=alert(1)>'],
  ['svg slash onload', '<svg/onload=alert(1)>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  [
    'svg xlink:href',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
  ],
  ['svg with html-allowed children', '<svg><a href="https://x.example/">x</a><img src=x onerror=alert(1)></svg>'],
  ['math mglyph style mutation', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['math xlink', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['iframe javascript src', '<iframe src="javascript:alert(1)"></iframe>'],
  [
    'allowed iframe with srcdoc and onload',
    '<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>alert(1)</script>" onload="alert(1)"></iframe>',
  ],
  ['iframe content breakout', '<iframe src="https://www.youtube.com/embed/x"><b title="</iframe><img src=x onerror=alert(1)>">x</b></iframe>'],
  ['form action', '<form action="javascript:alert(1)"><input type="submit"></form>'],
  ['button formaction', '<button formaction="javascript:alert(1)">x</button>'],
  ['form with button formaction', '<form><button formaction=javascript:alert(1)>X</button></form>'],
  ['a javascript href', '<a href="javascript:alert(1)">x</a>'],
  ['a mixed case scheme', '<a href="JaVaScRiPt:alert(1)">x</a>'],
  ['a tab entity in scheme', '<a href="java&#x09;script:alert(1)">x</a>'],
  ['a first letter entity', '<a href="&#106;avascript:alert(1)">x</a>'],
  [
    'a padded decimal entities',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">x</a>',
  ],
  ['a leading spaces and control characters', '<a href="  \u0001\u0008javascript:alert(1)">x</a>'],
  ['a NUL inside scheme', '<a href="java\u0000script:alert(1)">x</a>'],
  ['a &colon; entity', '<a href="javascript&colon;alert(1)">x</a>'],
  ['a vbscript', '<a href="vbscript:msgbox(1)">x</a>'],
  ['a data:text/html', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
  ['a data: with spaces', '<a href=" data:text/html,<script>alert(1)</script>">x</a>'],
  ['object data', '<object data="javascript:alert(1)"></object>'],
  ['object data: html', '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>'],
  ['embed javascript', '<embed src="javascript:alert(1)">'],
  ['embed flash', '<embed src="https://evil.example/x.swf" allowscriptaccess="always">'],
  ['applet', '<applet code="Evil.class"></applet>'],
  ['base href', '<base href="javascript:alert(1)//"><a href="/x">x</a>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['link rel import', '<link rel="import" href="https://evil.example/x.html">'],
  ['style @import', `<style>@import 'https://evil.example/x.css';</style>`],
  ['style attribute url', '<div style="background:url(javascript:alert(1))">x</div>'],
  ['style expression', '<div style="width: expression(alert(1));">x</div>'],
  ['body onload', '<body onload=alert(1)>text</body>'],
  ['frameset onload', '<frameset onload=alert(1)>'],
  ['details ontoggle', '<details open ontoggle=alert(1)><summary>s</summary></details>'],
  ['video source onerror', '<video><source onerror="alert(1)"></video>'],
  ['video source javascript', '<video><source src="javascript:alert(1)"><track src="javascript:alert(1)"></video>'],
  ['video poster and data src', '<video poster="javascript:alert(1)" src="data:video/mp4;base64,AAAA"></video>'],
  ['audio onerror', '<audio src=x onerror=alert(1)>'],
  ['input autofocus onfocus', '<input autofocus onfocus=alert(1)>'],
  ['isindex image', '<isindex type=image src=1 onerror=alert(1)>'],
  ['isindex action', '<isindex action=javascript:alert(1) type=image>'],
  ['xmp breakout', '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>'],
  ['noscript breakout', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ['noembed breakout', '<noembed><p title="</noembed><img src=x onerror=alert(1)>"></noembed>'],
  ['template content', '<template><img src=x onerror=alert(1)></template>'],
  ['textarea content', '<textarea><script>alert(1)</script></textarea>'],
  ['title breakout', '<title><img src=x onerror=alert(1)></title>'],
  ['comment', '<!--<img src=x onerror=alert(1)>--><p>ok</p>'],
  ['conditional comment', '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->'],
  ['cdata', '<![CDATA[<script>alert(1)</script>]]>'],
  ['srcset javascript', '<img srcset="javascript:alert(1) 1x, https://ok.example/a.png 2x">'],
  ['srcset data only', '<img srcset="data:image/svg+xml;base64,PHN2Zy8+ 1x">'],
  ['table background', '<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)">x</td></tr></table>'],
  ['blockquote cite javascript', '<blockquote cite="javascript:alert(1)">x</blockquote>'],
  ['blob and file URLs', '<a href="blob:https://example.org/1">x</a><img src="file:///etc/passwd">'],
  ['attributes not allowed', '<a href="https://ok.example/" onclick="alert(1)" style="color:red" id="x" class="y" name="z">x</a>'],
  ['entity-encoded markup in text', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
  ['quote breaking attribute', '<img src="https://ok.example/a.png" alt="x&quot; onerror=&quot;alert(1)">'],
  ['xmlns and namespaced attribute', '<p xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="javascript:alert(1)">x</p>'],
]; // prettier-ignore

describe('sanitizeEntryHtml: XSS vectors', () => {
  it('the checker itself finds what it looks for', () => {
    assert.ok(htmlSafetyProblems('<img src=x onerror=alert(1)>').length > 0);
    assert.ok(
      htmlSafetyProblems('<a href="JaVa&#x09;ScRipt:alert(1)" target=_blank rel=noopener>x</a>').length > 0,
    );
    assert.ok(htmlSafetyProblems('<p style="x">a</p>').length > 0);
    assert.ok(htmlSafetyProblems('<iframe srcdoc="x"></iframe>').length > 0);
    assert.ok(htmlSafetyProblems('<img src="data:image/png;base64,AA">').length > 0);
    assert.ok(htmlSafetyProblems('<img srcset="https://ok/a.png 1x, javascript:x 2x">').length > 0);
    assert.ok(htmlSafetyProblems('<button formaction="https://x/">x</button>').length > 0);
    assert.deepEqual(
      htmlSafetyProblems('<p>fine <a href="https://x/" target="_blank" rel="noopener">x</a></p>'),
      [],
    );
  });

  assert.ok(XSS_VECTORS.length >= 40);
  for (const [name, payload] of XSS_VECTORS) {
    it(`neutralises: ${name}`, () => {
      for (const baseUrl of [BASE.baseUrl, null]) {
        const output = clean(payload, baseUrl);
        assert.deepEqual(htmlSafetyProblems(output), [], `${payload}\n→ ${output}`);
        // Sanitizing is idempotent on its own output: nothing new appears on a second pass.
        assert.deepEqual(htmlSafetyProblems(clean(output, baseUrl)), []);
      }
    });
  }

  it('drops svg and MathML with everything inside, keeps what follows', () => {
    assert.equal(clean('<svg><a href="https://x.example/">in svg</a></svg><p>after</p>'), '<p>after</p>');
    assert.equal(clean('<p>a</p><math><mi>x</mi></math><p>b</p>'), '<p>a</p><p>b</p>');
  });

  it('keeps the text of removed forms and controls but not the controls', () => {
    assert.equal(
      clean('<form action="https://x/"><label>Name</label><input name="n"><button>Go</button></form>'),
      'NameGo',
    );
  });

  it('keeps visible text escaped', () => {
    assert.equal(clean('<p>&lt;script&gt; &amp; co</p>'), '<p>&lt;script&gt; &amp; co</p>');
  });
});

describe('sanitizeEntryHtml: what is kept', () => {
  it('keeps ordinary article markup as it is', () => {
    const html =
      '<h2>Title</h2><p>Hello <strong>world</strong>, <em>really</em> <code>x &lt; y</code>.</p>' +
      '<ul><li>one</li><li>two</li></ul><blockquote><p>quote</p></blockquote><pre><code>a\n  b</code></pre>' +
      '<figure><figcaption>cap</figcaption></figure><dl><dt>t</dt><dd>d</dd></dl><hr />' +
      '<p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title="HyperText">HTML</abbr>, <mark>m</mark>, <kbd>k</kbd></p>' +
      '<details><summary>more</summary><p>hidden</p></details><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>';
    assert.equal(clean(html), html);
  });

  it('keeps table structure and cell attributes, drops presentational ones', () => {
    assert.equal(
      clean('<table border="1" width="100%"><caption>c</caption><thead><tr><th scope="col" colspan="2" align="left">h</th></tr></thead><tbody><tr><td rowspan="2" bgcolor="red">x</td></tr></tbody></table>'),
      '<table><caption>c</caption><thead><tr><th colspan="2" scope="col">h</th></tr></thead><tbody><tr><td rowspan="2">x</td></tr></tbody></table>',
    ); // prettier-ignore
  });

  it('keeps list attributes and time datetime', () => {
    assert.equal(
      clean(
        '<ol start="3" reversed type="a"><li value="5">x</li></ol><time datetime="2025-11-18">hier</time>',
      ),
      '<ol start="3" reversed="" type="a"><li value="5">x</li></ol><time datetime="2025-11-18">hier</time>',
    );
  });

  it('keeps the text of unknown elements', () => {
    assert.equal(
      clean('<p><font color="red">red</font> <center>mid</center> <blink>b</blink></p>'),
      '<p>red mid b</p>',
    );
  });

  it('drops ids, classes, styles and data attributes', () => {
    assert.equal(clean('<p id="a" class="b" style="c" data-x="y" dir="rtl">t</p>'), '<p>t</p>');
  });
});

describe('sanitizeEntryHtml: URLs', () => {
  it('makes relative URLs absolute against the base', () => {
    assert.equal(
      clean(
        '<a href="/about">a</a><a href="next.html#top">n</a><a href="#notes">h</a><a href="?page=2">q</a>',
      ),
      '<a href="https://example.org/about" rel="noopener noreferrer" target="_blank">a</a>' +
        '<a href="https://example.org/articles/next.html#top" rel="noopener noreferrer" target="_blank">n</a>' +
        '<a href="https://example.org/articles/1.html#notes" rel="noopener noreferrer" target="_blank">h</a>' +
        '<a href="https://example.org/articles/1.html?page=2" rel="noopener noreferrer" target="_blank">q</a>',
    );
  });

  it('resolves src, srcset entries, poster and cite', () => {
    assert.equal(
      clean('<img src="img/a.png" srcset="img/a.png 1x, /img/b.png 2x" alt="A">'),
      '<img src="https://example.org/articles/img/a.png" srcset="https://example.org/articles/img/a.png 1x, https://example.org/img/b.png 2x" alt="A" loading="lazy" decoding="async" referrerpolicy="no-referrer" />',
    ); // prettier-ignore
    assert.equal(
      clean('<video src="v.mp4" poster="p.jpg"></video><blockquote cite="/src">q</blockquote>'),
      '<video src="https://example.org/articles/v.mp4" poster="https://example.org/articles/p.jpg" controls="" referrerpolicy="no-referrer"></video>' +
        '<blockquote cite="https://example.org/src">q</blockquote>',
    );
  });

  it('turns protocol-relative URLs into https, even on an http page', () => {
    assert.equal(
      clean('<img src="//cdn.example/a.png">', 'http://example.org/'),
      '<img src="https://cdn.example/a.png" loading="lazy" decoding="async" referrerpolicy="no-referrer" />',
    );
  });

  it('with no base URL, drops relative URLs and keeps absolute ones', () => {
    assert.equal(
      clean('<a href="/x">rel</a> <a href="https://ok.example/y">abs</a> <img src="a.png"><img src="//cdn.example/b.png">', null),
      '<a rel="noopener noreferrer" target="_blank">rel</a> <a href="https://ok.example/y" rel="noopener noreferrer" target="_blank">abs</a> ' +
        '<img src="https://cdn.example/b.png" loading="lazy" decoding="async" referrerpolicy="no-referrer" />',
    ); // prettier-ignore
  });

  it('allows mailto on links only, nothing else but http(s)', () => {
    assert.equal(
      clean(
        '<a href="mailto:me@example.org">m</a><a href="tel:+331">t</a><a href="ftp://x/">f</a><img src="mailto:x@y">',
      ),
      '<a href="mailto:me@example.org" rel="noopener noreferrer" target="_blank">m</a>' +
        '<a rel="noopener noreferrer" target="_blank">t</a><a rel="noopener noreferrer" target="_blank">f</a>',
    );
  });

  it('keeps the sane candidates of a srcset and drops the others', () => {
    assert.equal(
      clean(
        '<img srcset="javascript:alert(1) 1x, https://ok.example/a.png 2x, data:image/png;base64,AA 3x">',
      ),
      '<img srcset="https://ok.example/a.png 2x" loading="lazy" decoding="async" referrerpolicy="no-referrer" />',
    );
  });

  it('canonicalises what it keeps', () => {
    assert.equal(
      clean('<a href="  HTTPS://Example.ORG/a b  ">x</a>'),
      '<a href="https://example.org/a%20b" rel="noopener noreferrer" target="_blank">x</a>',
    );
  });
});

describe('sanitizeEntryHtml: links, images, media', () => {
  it('gives every link rel=noopener noreferrer and target=_blank, overriding the source', () => {
    assert.equal(
      clean('<a href="https://x.example/" target="_self" rel="opener" title="T">x</a>'),
      '<a href="https://x.example/" title="T" rel="noopener noreferrer" target="_blank">x</a>',
    );
  });

  it('makes images lazy, async and without referrer', () => {
    assert.equal(
      clean('<img src="https://x.example/a.png" alt="" width="640" height="480" loading="eager">'),
      '<img src="https://x.example/a.png" alt="" width="640" height="480" loading="lazy" decoding="async" referrerpolicy="no-referrer" />',
    ); // prettier-ignore
  });

  it('removes 1×1 tracking pixels but keeps thin images', () => {
    assert.equal(clean('<p>a<img src="https://t.example/p.gif" width="1" height="1">b</p>'), '<p>ab</p>');
    assert.equal(clean('<img src="https://t.example/p.gif" width="1px" height="0">'), '');
    assert.match(clean('<img src="https://x.example/rule.png" width="1" height="300">'), /<img /);
  });

  it('removes images with nothing left to show', () => {
    assert.equal(clean('<p><img src="javascript:x" alt="gone">t</p>'), '<p>t</p>');
  });

  it('keeps <source> inside picture, video and audio only', () => {
    assert.equal(
      clean('<picture><source srcset="/a.webp" type="image/webp"><img src="/a.png"></picture><source src="/x.mp4"><div><source src="/y.mp4"></div>'),
      '<picture><source srcset="https://example.org/a.webp" type="image/webp" /><img src="https://example.org/a.png" loading="lazy" decoding="async" referrerpolicy="no-referrer" /></picture><div></div>',
    ); // prettier-ignore
    assert.equal(
      clean('<audio><source src="/a.mp3" type="audio/mpeg"></audio>'),
      '<audio controls="" referrerpolicy="no-referrer"><source src="https://example.org/a.mp3" type="audio/mpeg" /></audio>',
    );
  });

  it('keeps tracks of a video', () => {
    assert.equal(
      clean('<video src="/v.mp4"><track src="/v.vtt" kind="subtitles" srclang="fr" label="Français"></video>'),
      '<video src="https://example.org/v.mp4" controls="" referrerpolicy="no-referrer"><track src="https://example.org/v.vtt" kind="subtitles" srclang="fr" label="Français" /></video>',
    ); // prettier-ignore
  });
});

describe('sanitizeEntryHtml: iframes', () => {
  const SANDBOXED =
    'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"';

  it('keeps a YouTube embed, sandboxed, without fallback content', () => {
    assert.equal(
      clean('<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" frameborder="0" allow="autoplay" allowfullscreen>Your browser…</iframe>'),
      `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315" allowfullscreen="" ${SANDBOXED}></iframe>`,
    ); // prettier-ignore
  });

  it('accepts the other known players, upgrading http and protocol-relative to https', () => {
    for (const [src, expected] of [
      ['//www.youtube-nocookie.com/embed/abc', 'https://www.youtube-nocookie.com/embed/abc'],
      ['http://player.vimeo.com/video/1', 'https://player.vimeo.com/video/1'],
      ['https://www.dailymotion.com/embed/video/x1', 'https://www.dailymotion.com/embed/video/x1'],
      ['https://player.twitch.tv/?video=1&parent=x', 'https://player.twitch.tv/?video=1&amp;parent=x'],
      ['https://open.spotify.com/embed/track/1', 'https://open.spotify.com/embed/track/1'],
      ['https://w.soundcloud.com/player/?url=x', 'https://w.soundcloud.com/player/?url=x'],
      [
        'https://bandcamp.com/EmbeddedPlayer/album=1/size=large/',
        'https://bandcamp.com/EmbeddedPlayer/album=1/size=large/',
      ],
      ['https://archive.org/embed/item', 'https://archive.org/embed/item'],
    ]) {
      assert.equal(
        clean(`<iframe src="${src}"></iframe>`),
        `<iframe src="${expected}" ${SANDBOXED}></iframe>`,
      );
    }
  });

  it('turns other frames into a link to what they showed', () => {
    for (const src of [
      'https://evil.example/embed/x',
      'https://www.youtube.com.evil.example/embed/x',
      'https://www.youtube.com/watch?v=x',
      'https://evilyoutube.com/embed/x',
      'https://user@www.youtube.com/embed/x',
      'https://www.youtube.com:8443/embed/x',
    ]) {
      const out = clean(`<iframe src="${src}"><p>fallback</p></iframe>`);
      assert.doesNotMatch(out, /<iframe/, src);
      assert.match(
        out,
        /^<a href="https:\/\/[^"]+" rel="noopener noreferrer" target="_blank">https:\/\/[^<]+<\/a>$/,
        src,
      );
    }
  });

  it('drops frames with no usable address', () => {
    assert.equal(
      clean('<p>a</p><iframe src="javascript:alert(1)">t</iframe><iframe srcdoc="x"></iframe>'),
      '<p>a</p>',
    );
    assert.equal(clean('<iframe src="/embed/x"></iframe>', null), '');
  });
});

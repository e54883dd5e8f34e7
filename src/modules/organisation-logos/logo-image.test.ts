import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkLogo, findSvgHazard } from './logo-image.ts';

const text = (value: string) => new TextEncoder().encode(value);
const PLAIN_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs>' +
  '<rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>';

describe('checkLogo', () => {
  test('recognises PNG, JPEG and SVG from their bytes', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    assert.deepEqual(checkLogo(png), { ok: true, contentType: 'image/png' });
    assert.deepEqual(checkLogo(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])), {
      ok: true,
      contentType: 'image/jpeg',
    });
    assert.deepEqual(checkLogo(text(PLAIN_SVG)), { ok: true, contentType: 'image/svg+xml' });
    const withProlog = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n${PLAIN_SVG}`;
    assert.deepEqual(checkLogo(text(withProlog)), { ok: true, contentType: 'image/svg+xml' });
    const withDoctype = `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n${PLAIN_SVG}`;
    assert.deepEqual(checkLogo(text(withDoctype)), { ok: true, contentType: 'image/svg+xml' });
  });

  test('refuses other content whatever it is called', () => {
    for (const bytes of [
      text('GIF89a....'),
      text('<html><svg></svg></html>'),
      text('<svgfoo/>'),
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
      Uint8Array.from([0xc3, 0x28, 0x3c, 0x73, 0x76, 0x67]),
    ]) {
      const result = checkLogo(bytes);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, 'unsupported_type');
    }
  });

  test('refuses SVG that could run code or fetch something', () => {
    const hazards = [
      '<svg><script>alert(1)</script></svg>',
      '<svg><SCRIPT xlink:href="x.js"/></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><rect\nonclick = "x()"/></svg>',
      '<svg><a href="https://evil.example/">x</a></svg>',
      "<svg><use xlink:href='http://evil.example/s.svg#a'/></svg>",
      '<svg><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>',
      '<svg><a href="javascript:alert(1)">x</a></svg>',
      '<svg><foreignObject><iframe/></foreignObject></svg>',
      '<svg><style>@import "https://evil.example/a.css";</style></svg>',
      '<svg><rect style="fill:url(https://evil.example/p)"/></svg>',
      '<svg><use href=http://evil.example/a/></svg>',
      '<svg><animate attributeName="href" values="https://evil.example"/></svg>',
      '<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>',
    ];
    for (const svg of hazards) {
      const result = checkLogo(text(svg));
      assert.equal(result.ok, false, svg);
      assert.equal(!result.ok && result.reason, 'unsafe_svg', svg);
      assert.notEqual(findSvgHazard(svg), null, svg);
    }
  });

  test('accepts fragment links and embedded raster images', () => {
    assert.equal(findSvgHazard(PLAIN_SVG), null);
    assert.equal(findSvgHazard('<svg><image href="data:image/png;base64,iVBORw0KGgo="/></svg>'), null);
  });
});

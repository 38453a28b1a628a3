import { escapeHtml } from '../../../src/gallery/html.js'
import { dataScript, indexPages } from '../../../src/gallery/index-page.js'
import { GalleryModel } from '../../../src/gallery/model.js'
import { userPage } from '../../../src/gallery/user-page.js'
import { mark, photoFile, seen, videoFile } from './records.js'

const EVIL = `<script>alert("x")</script>&'`

function users(records: unknown[]): ReturnType<GalleryModel['users']> {
  const m = new GalleryModel()
  for (const r of records) m.add(r)
  return m.users()
}

describe('escapeHtml', () => {
  it('escapes the five characters that can leave a text node or a quoted attribute', () => {
    expect(escapeHtml(EVIL)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;')
  })
})

describe('gallery pages', () => {
  const evil = users([
    seen(7, EVIL),
    photoFile(7, '1', 'c', 1_700_000_000, 640, { file_id: `"><img src=x onerror=alert(1)>`, file_unique_id: EVIL }),
    { type: 'file', user_id: 7, kind: 'audio', document_id: '5', date: 1, title: EVIL, performer: EVIL, bytes: 1, sha256: 'a', path: '7/5.mp3', saved_at: 1 },
  ])

  it('never lets a manifest string into the HTML unescaped', () => {
    const html = [userPage(evil[0]!), ...indexPages(evil, 100).map(([, h]) => h)].join('\n')
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('@&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;')
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"')
  })

  it('keeps a </script> in the data file from closing anything', () => {
    const js = dataScript(evil, 100)
    expect(js).not.toContain('<')
    const parsed = JSON.parse(js.replace(/^window\.TGP_GALLERY = /, '').replace(/;\n$/, '')) as { users: unknown[][] }
    expect(parsed.users[0]![1]).toBe(EVIL)
  })

  it('shows the timeline newest first with dates, video avatars muted and looping, gone and back marks', () => {
    const [user] = users([
      seen(9, 'carol'),
      photoFile(9, '1', 'a', 1_700_000_000, 160),
      photoFile(9, '1', 'c', 1_700_000_000, 640),
      photoFile(9, '2', 'c', 1_700_500_000),
      videoFile(9, '2', 'u', 1_700_500_000),
      photoFile(9, '3', 'c', 1_701_000_000),
      mark('gone', 9, '1', 'c', 1_702_000_000),
      mark('gone', 9, '3', 'c', 1_702_000_000),
      mark('back', 9, '3', 'c', 1_703_000_000),
    ])
    const html = userPage(user!)
    const order = [...html.matchAll(/<li class="photo ([a-z ]+)" id="p(\d+)"/g)].map((m) => [m[2], m[1]])
    expect(order).toEqual([
      ['3', 'back'],
      ['2', 'present video'],
      ['1', 'gone'],
    ])
    expect(html).toContain('<time datetime="2023-11-14T22:13:20.000Z">2023-11-14 22:13 UTC</time>')
    expect(html).toMatch(/<video src="\.\.\/\.\.\/9\/2_u\.mp4" poster="\.\.\/\.\.\/9\/2_c\.jpg"[^>]* muted loop autoplay playsinline/)
    expect(html).toContain('Gone from Telegram (noticed 2023-12-08 01:46 UTC)')
    expect(html).toContain('Back on the profile (noticed 2023-12-19 15:33 UTC)')
    // The thumbnail is the smallest size, linked to the largest.
    expect(html).toContain('<a href="../../9/1_c.jpg"><img src="../../9/1_a.jpg"')
    expect(html).toContain('loading="lazy"')
    expect(html).toMatch(/<label for="p1-fid">file_id<\/label><input id="p1-fid" type="text" readonly value="fid-1-c"/)
    expect(html).toContain('3 photos, 1 with video, 1 gone from Telegram')
  })
})

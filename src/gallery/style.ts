/** The gallery's one stylesheet (`gallery/style.css`): system fonts only, light and dark from the system setting. */
export const STYLE_CSS = `:root {
  color-scheme: light dark;
  --bg: #fafafa; --fg: #1b1b1f; --muted: #5c5f66; --card: #ffffff; --line: #d9dbe0;
  --accent: #1a66c7; --gone: #b3261e; --back: #146c2e; --focus: #1a66c7;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121316; --fg: #e6e7ea; --muted: #a3a7b0; --card: #1d1f24; --line: #33363d;
    --accent: #8ab8ff; --gone: #ffb4ab; --back: #8fd9a0; --focus: #8ab8ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem clamp(1rem, 3vw, 2.5rem) 3rem; background: var(--bg); color: var(--fg);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, video:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem; z-index: 1; }
h1 { margin: .2rem 0; font-size: 1.6rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .75rem; }
.summary, .status, .id, .un, .meta { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .75rem 0; }
.controls[hidden] { display: none; }
.controls input, .controls select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line);
  border-radius: 6px; background: var(--card); color: var(--fg); }
.controls input { min-width: 16rem; }
.tiles { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
.tile a { display: flex; flex-direction: column; gap: .15rem; padding: .5rem; height: 100%; background: var(--card);
  border: 1px solid var(--line); border-radius: 10px; color: inherit; text-decoration: none; }
.tile a:hover { border-color: var(--accent); }
.tile img, .tile .noimg { width: 100%; height: auto; aspect-ratio: 1; object-fit: cover; border-radius: 8px;
  background: var(--line); display: block; }
.tile .name { font-weight: 600; font-size: .95rem; overflow-wrap: anywhere; }
.tile .un, .tile .id, .tile .meta { font-size: .85rem; overflow-wrap: anywhere; }
.pager ol, .jspager { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; margin: 1rem 0; align-items: center; }
.pager a { display: inline-block; min-width: 2.2rem; text-align: center; padding: .25rem .4rem;
  border: 1px solid var(--line); border-radius: 6px; }
.pager a[aria-current] { background: var(--accent); color: var(--bg); }
.timeline { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem; }
.photo figure { margin: 0; display: flex; flex-wrap: wrap; gap: 1rem; padding: .75rem; background: var(--card);
  border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 10px; }
.photo.gone figure { border-left-color: var(--gone); }
.photo.back figure { border-left-color: var(--back); }
.photo.gone img, .photo.gone video { filter: grayscale(1); opacity: .75; }
.photo img, .photo video { width: 240px; height: 240px; object-fit: cover; border-radius: 8px; background: var(--line); display: block; }
.photo figcaption { flex: 1 1 18rem; min-width: 0; }
.photo h3 { margin: 0 0 .4rem; font-size: 1rem; }
.tag { font-size: .75rem; border: 1px solid currentColor; border-radius: 4px; padding: 0 .3rem; color: var(--muted); }
.tag.gone { color: var(--gone); }
.badge { margin: .3rem 0; font-weight: 600; }
.badge.gone { color: var(--gone); }
.badge.back { color: var(--back); }
.files a { display: inline-block; margin: 0 .75rem .25rem 0; font-size: .9rem; }
.fid { display: flex; gap: .5rem; align-items: center; margin: .3rem 0; flex-wrap: wrap; }
.fid label { font-family: ui-monospace, monospace; font-size: .85rem; min-width: 8.5rem; color: var(--muted); }
.fid input { flex: 1 1 14rem; min-width: 0; font: .85rem ui-monospace, monospace; padding: .25rem .4rem;
  border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.audios { padding-left: 1.2rem; }
`

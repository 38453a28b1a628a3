(function () {
  'use strict';
  var data = window.TGP_GALLERY;
  var form = document.querySelector('form.controls');
  var list = document.getElementById('tiles');
  if (!data || !form || !list) return;
  var q = document.getElementById('q'), sort = document.getElementById('sort');
  var status = document.getElementById('status'), pagerBox = document.getElementById('pager');
  var size = data.pageSize, users = data.users;
  var keys = users.map(function (u) { return (u[0] + ' @' + u[1]).toLowerCase(); });
  var sorters = {
    recent: function (a, b) { return users[b][3] - users[a][3] || users[a][0] - users[b][0]; },
    photos: function (a, b) { return users[b][2] - users[a][2] || users[a][0] - users[b][0]; },
    id: function (a, b) { return users[a][0] - users[b][0]; }
  };
  var labels = { recent: 'most recent change first', photos: 'most photos first', id: 'by user id' };
  var state = { q: '', sort: 'recent', page: 0 }, view = [], viewKey = '';
  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    state.q = p.get('q') || '';
    state.sort = sorters[p.get('sort')] ? p.get('sort') : 'recent';
    state.page = Math.max(0, (parseInt(p.get('page') || '1', 10) || 1) - 1);
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.sort !== 'recent') p.set('sort', state.sort);
    if (state.page > 0) p.set('page', String(state.page + 1));
    var h = p.toString();
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }
  function compute() {
    var key = state.q + '\u0000' + state.sort;
    if (key === viewKey) return;
    viewKey = key;
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    view = [];
    for (var i = 0; i < users.length; i++) {
      if (words.every(function (w) { return keys[i].indexOf(w) >= 0; })) view.push(i);
    }
    view.sort(sorters[state.sort]);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function date(unix) { return new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'; }
  function tile(u) {
    var li = el('li', 'tile'), a = el('a');
    a.href = 'gallery/users/' + u[0] + '.html';
    if (u[4]) {
      var img = el('img');
      img.src = u[4].split('/').map(encodeURIComponent).join('/');
      img.alt = ''; img.width = 160; img.height = 160; img.loading = 'lazy'; img.decoding = 'async';
      a.appendChild(img);
    } else a.appendChild(el('span', 'noimg'));
    a.appendChild(el('span', 'name', u[1] ? '@' + u[1] : String(u[0])));
    a.appendChild(el('span', 'id', String(u[0])));
    var meta = el('span', 'meta', u[2] + (u[2] === 1 ? ' photo' : ' photos'));
    if (u[3] > 0) {
      meta.appendChild(document.createTextNode(' · '));
      var t = el('time', '', date(u[3]));
      t.dateTime = new Date(u[3] * 1000).toISOString();
      meta.appendChild(t);
    }
    a.appendChild(meta);
    li.appendChild(a);
    return li;
  }
  function button(text, page, disabled) {
    var b = el('button', '', text);
    b.type = 'button';
    b.disabled = disabled;
    b.addEventListener('click', function () { state.page = page; render(); list.scrollIntoView(); });
    return b;
  }
  function render() {
    compute();
    var pages = Math.max(1, Math.ceil(view.length / size));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * size, shown = view.slice(start, start + size);
    var frag = document.createDocumentFragment();
    shown.forEach(function (i) { frag.appendChild(tile(users[i])); });
    list.replaceChildren(frag);
    status.textContent = view.length === 0
      ? 'No user matches "' + state.q + '"'
      : 'Users ' + (start + 1) + '–' + (start + shown.length) + ' of ' + view.length +
        (view.length !== users.length ? ' matching "' + state.q + '"' : '') + ', ' + labels[state.sort];
    var nav = el('nav', 'jspager');
    nav.setAttribute('aria-label', 'Pages');
    if (pages > 1) {
      nav.appendChild(button('← Previous', state.page - 1, state.page === 0));
      nav.appendChild(el('span', '', 'Page ' + (state.page + 1) + ' of ' + pages));
      nav.appendChild(button('Next →', state.page + 1, state.page >= pages - 1));
    }
    pagerBox.replaceChildren(nav);
    writeHash();
  }
  readHash();
  q.value = state.q;
  sort.value = state.sort;
  form.hidden = false;
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  q.addEventListener('input', function () { state.q = q.value.trim(); state.page = 0; render(); });
  sort.addEventListener('change', function () { state.sort = sort.value; state.page = 0; render(); });
  render();
})();

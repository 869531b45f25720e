// Progressive enhancement only: every page works without it.
(function () {
  'use strict';
  function fmt(ms) {
    var m = Math.floor(Math.abs(ms) / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
    return d ? d + 'd ' + h + 'h' : h ? h + 'h ' + mm + 'm' : mm + 'm';
  }
  // Live countdowns.
  function tick() {
    document.querySelectorAll('[data-due]').forEach(function (el) {
      var left = Date.parse(el.getAttribute('data-due')) - Date.now();
      var out = el.querySelector('.left');
      if (out) out.textContent = left < 0 ? el.getAttribute('data-over') + ' ' + fmt(left) : fmt(left);
      if (left < 0 && !el.classList.contains('due-overdue')) { el.classList.remove('due-ok', 'due-soon'); el.classList.add('due-overdue'); }
    });
  }
  setInterval(tick, 30000);

  // Repeating rows (CAPA actions, potential causes).
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof HTMLElement)) return;
    if (t.hasAttribute('data-add-row')) {
      var set = t.closest('[data-rows]');
      var list = set.querySelector('.row-list');
      var tpl = set.querySelector('template');
      var n = 0;
      list.querySelectorAll('[name]').forEach(function (i) {
        var m = i.getAttribute('name').slice(set.getAttribute('data-rows').length + 1).match(/^(\d+)\./);
        if (m) n = Math.max(n, Number(m[1]) + 1);
      });
      var holder = document.createElement('div');
      holder.innerHTML = tpl.innerHTML.replace(/__i__/g, String(n));
      var row = holder.firstElementChild;
      list.appendChild(row);
      var first = row.querySelector('input,select,textarea');
      if (first) first.focus();
    } else if (t.hasAttribute('data-remove-row')) {
      var r = t.closest('[data-row]');
      var l = r.parentElement;
      if (l.children.length > 1) r.remove();
      else r.querySelectorAll('input,textarea').forEach(function (i) { i.value = ''; });
    }
  });

  // Discriminated unions: show the chosen option's fields only.
  function syncUnions() {
    document.querySelectorAll('[data-when]').forEach(function (fs) {
      var parts = fs.getAttribute('data-when').split('=');
      var checked = document.querySelector('input[type=radio][name="' + parts[0] + '"]:checked');
      var on = !!checked && checked.value === parts[1];
      fs.hidden = !on;
      fs.disabled = !on;
    });
  }
  document.addEventListener('change', function (ev) {
    if (ev.target instanceof HTMLInputElement && ev.target.type === 'radio') syncUnions();
  });
  syncUnions();

  // Sign-in keeps the link's #clock (the fragment never reaches the server).
  var next = document.querySelector('input[name=next][data-keep-hash]');
  if (next && location.hash && next.value.indexOf('#') < 0) next.value += location.hash;

  // A link to a clock highlights its row.
  if (location.hash) {
    var row = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (row) row.classList.add('target');
  }

  // Confirm before a signed or closing action.
  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (f instanceof HTMLFormElement && f.hasAttribute('data-confirm') && !window.confirm(f.getAttribute('data-confirm'))) ev.preventDefault();
  });
})();

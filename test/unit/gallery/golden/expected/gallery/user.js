(function () {
  'use strict';
  document.querySelectorAll('.fid input').forEach(function (input) {
    input.addEventListener('focus', function () { input.select(); });
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Copy';
    b.setAttribute('aria-label', 'Copy ' + input.labels[0].textContent);
    b.addEventListener('click', function () {
      input.select();
      var done = function () { b.textContent = 'Copied'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); };
      var fallback = function () { if (document.execCommand('copy')) done(); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, fallback);
      else fallback();
    });
    input.parentNode.appendChild(b);
  });
})();

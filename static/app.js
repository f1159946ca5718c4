// TrekTribe's only script of its own. Pages work without it; it adds niceties only.
// "typing…": while a reply is being written, the thread's other side is told, at most every 3 s.
(function () {
  var EVERY_MS = 3000;
  document.addEventListener('input', function (e) {
    var box = e.target;
    var url = box && box.getAttribute && box.getAttribute('data-typing');
    if (!url) return;
    var now = Date.now();
    if (now - (box.typingSentAt || 0) < EVERY_MS) return;
    box.typingSentAt = now;
    fetch(url, { method: 'POST', credentials: 'same-origin' }).catch(function () {});
  });
})();
document.addEventListener('htmx:responseError', function (e) {
  // Non-2xx htmx responses (422 forms, 404 fragments) are meant to be shown.
  var xhr = e.detail.xhr;
  if (xhr && xhr.status >= 400 && xhr.status < 500 && e.detail.target) {
    e.detail.target.innerHTML = xhr.responseText;
  }
});

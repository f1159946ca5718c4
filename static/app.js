// TrekTribe's only script of its own. Pages work without it; it adds niceties only.
document.addEventListener('htmx:responseError', function (e) {
  // Non-2xx htmx responses (422 forms, 404 fragments) are meant to be shown.
  var xhr = e.detail.xhr;
  if (xhr && xhr.status >= 400 && xhr.status < 500 && e.detail.target) {
    e.detail.target.innerHTML = xhr.responseText;
  }
});

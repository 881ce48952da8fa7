/* Class mode (labkit.course.classroom): the student's class token, kept in this browser.

   The kernel shows a .labkit-class-handoff element (data-code = the class code):
   - data-state="joined" with data-token: the student just joined (or is known): keep the
     token in localStorage and in the cookie labkit-class-<code>, which Voilà hands to the
     next page's kernel; data-reload="1": reload once so that this page's labs move to the
     class server too.
   - data-state="need": the kernel got no token; if this browser has one (the cookie was
     lost), set the cookie again and reload once.
   - data-state="invalid": the server refused the stored token (class reset): forget it. */
(function () {
  "use strict";
  var PREFIX = "labkit-class-v1:";
  var COOKIE = "labkit-class-";
  var MAX_AGE = 60 * 60 * 24 * 30;

  function load(code) {
    try { return JSON.parse(window.localStorage.getItem(PREFIX + code)) || null; } catch (e) { return null; }
  }
  function store(code, entry) {
    try { window.localStorage.setItem(PREFIX + code, JSON.stringify(entry)); } catch (e) { /* private mode */ }
  }
  function setCookie(code, token) {
    document.cookie = COOKIE + code + "=" + encodeURIComponent(token) + "; path=/; max-age=" + MAX_AGE +
      "; SameSite=Strict";
  }
  function forget(code) {
    try { window.localStorage.removeItem(PREFIX + code); } catch (e) { /* ignore */ }
    document.cookie = COOKIE + code + "=; path=/; max-age=0; SameSite=Strict";
  }
  function once(key) {
    try {
      if (window.sessionStorage.getItem(key)) { return false; }
      window.sessionStorage.setItem(key, "1");
    } catch (e) { return false; }
    return true;
  }

  // Every page: refresh the cookies of the classes this browser joined.
  try {
    for (var i = 0; i < window.localStorage.length; i += 1) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var entry = load(key.slice(PREFIX.length));
        if (entry && entry.token) { setCookie(key.slice(PREFIX.length), entry.token); }
      }
    }
  } catch (e) { /* storage disabled */ }

  function scan() {
    document.querySelectorAll(".labkit-class-handoff[data-code]").forEach(function (el) {
      var code = el.getAttribute("data-code");
      var state = el.getAttribute("data-state");
      if (el.getAttribute("data-seen") === state) { return; }
      el.setAttribute("data-seen", state);
      if (state === "joined") {
        var token = el.getAttribute("data-token");
        if (token) {
          store(code, { token: token, student_id: el.getAttribute("data-student"),
                        nickname: el.getAttribute("data-nickname") });
          setCookie(code, token);
        }
        try { window.sessionStorage.removeItem("labkit-class-retry:" + code); } catch (e) { /* ignore */ }
        if (el.getAttribute("data-reload") === "1" && once("labkit-class-reloaded:" + code + location.pathname)) {
          window.setTimeout(function () { location.reload(); }, 800);
        }
      } else if (state === "invalid") {
        forget(code);
      } else if (state === "need") {
        var known = load(code);
        if (known && known.token && once("labkit-class-retry:" + code)) {
          setCookie(code, known.token);
          location.reload();
        }
      }
    });
  }
  window.labkitClass = { load: load, forget: forget, scan: scan };
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  scan();
})();

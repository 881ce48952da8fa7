/* The learner's progress through the course, kept in this browser only (localStorage: no
   account, no server, works offline, survives a reload).

   It reads what the kernel renders (labkit.lessons):
   - [data-labkit-page]           a section page was opened (its "この節のゴール" block);
                                  data-labkit-checks="0" means the page has no check.
   - .labkit-check-<id> ... .labkit-quiz-score-text[data-finished="true"]
                                  the section's check was answered (data-score / data-total).
   and writes:
   - .labkit-page-state           on a section page: its state;
   - .labkit-map-item[data-section] on the index: each section's state, and a summary line. */
(function () {
  "use strict";
  var KEY = "labkit-progress-v1";
  var WORDS = {
    ja: { none: "未着手", seen: "学習中", done: "完了", check: "確認", total: "完了した節" },
    en: { none: "not started", seen: "in progress", done: "done", check: "check", total: "Sections done" }
  };

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function update(section, patch) {
    var state = load();
    var entry = state[section] || {};
    var changed = false;
    Object.keys(patch).forEach(function (k) {
      if (entry[k] !== patch[k]) { entry[k] = patch[k]; changed = true; }
    });
    if (changed) { state[section] = entry; save(state); }
  }
  function langOf(el) {
    var holder = el.closest("[lang]");
    return holder && holder.getAttribute("lang") === "en" ? "en" : "ja";
  }
  function describe(entry, lang) {
    var w = WORDS[lang];
    if (!entry || !entry.visited) { return { state: "none", text: w.none }; }
    if (!entry.done) { return { state: "seen", text: w.seen }; }
    var score = entry.total ? " (" + w.check + " " + entry.score + "/" + entry.total + ")" : "";
    return { state: "done", text: w.done + score };
  }
  function setText(el, info) {
    if (el.textContent !== info.text) { el.textContent = info.text; }
    if (el.getAttribute("data-state") !== info.state) { el.setAttribute("data-state", info.state); }
  }

  function record() {
    document.querySelectorAll("[data-labkit-page]").forEach(function (page) {
      var id = page.getAttribute("data-labkit-page");
      update(id, { visited: true });
      if (page.getAttribute("data-labkit-checks") === "0") { update(id, { done: true }); }
    });
    document.querySelectorAll(".labkit-check").forEach(function (quiz) {
      var cls = Array.prototype.filter.call(quiz.classList, function (c) {
        return c.indexOf("labkit-check-") === 0;
      })[0];
      var score = quiz.querySelector(".labkit-quiz-score-text[data-finished='true']");
      if (!cls || !score) { return; }
      update(cls.slice("labkit-check-".length), {
        visited: true, done: true,
        score: Number(score.getAttribute("data-score")),
        total: Number(score.getAttribute("data-total"))
      });
    });
  }

  function show() {
    var state = load();
    document.querySelectorAll(".labkit-page-state").forEach(function (el) {
      var page = el.closest("[data-labkit-page]");
      if (page) { setText(el, describe(state[page.getAttribute("data-labkit-page")], langOf(el))); }
    });
    document.querySelectorAll(".labkit-map").forEach(function (map) {
      var lang = langOf(map);
      var items = map.querySelectorAll(".labkit-map-item[data-section]");
      var done = 0;
      items.forEach(function (li) {
        var entry = state[li.getAttribute("data-section")];
        var info = describe(entry, lang);
        if (info.state === "done") { done += 1; }
        var badge = li.querySelector(".labkit-progress-state");
        if (!badge) {
          badge = document.createElement("span");
          badge.className = "labkit-badge labkit-progress-state";
          badge.style.marginLeft = ".5em";
          li.appendChild(badge);
        }
        setText(badge, info);
      });
      var summary = map.querySelector(".labkit-progress-summary");
      if (!summary) {
        summary = document.createElement("p");
        summary.className = "labkit-progress-summary";
        summary.setAttribute("role", "status");
        map.insertBefore(summary, map.firstChild);
      }
      setText(summary, { state: String(done), text: WORDS[lang].total + ": " + done + " / " + items.length });
    });
  }

  var pending = false;
  function scan() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () {
      pending = false;
      record();
      show();
    }, 50);
  }

  window.labkitProgress = { key: KEY, load: load, scan: scan };
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-finished"]
  });
  window.addEventListener("storage", scan);
  scan();
})();

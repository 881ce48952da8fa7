/* What ipywidgets cannot say by itself to assistive technology (widgets can only add CSS
   classes to their elements; the course's Voilà template adds this script):
   - .labkit-live   a polite live region: screen readers announce its changes
                    (「プッシュ通知が届きました」, a PIN refused, a lock);
   - toggle buttons tell whether they are pressed (aria-pressed);
   - .labkit-focus-home  a widget with screens (the phone): when its screen changes while
                    the focus is in it, or a redraw removes the control that had the focus,
                    the focus goes to the new screen's title (.labkit-focus-target, a heading
                    with data-state) instead of staying on a stale button or falling back to
                    the top of the page;
   - Japanese words inside English text (「マイナポータル」, a lecture term) are wrapped in
     lang="ja" so that a screen reader pronounces them as Japanese;
   - every table sits in a .labkit-scroll box: on a narrow screen it scrolls inside it, not
     the page; a box that does scroll becomes a named region keyboard users can focus;
   - the page's content is the main landmark;
   - a folding section's header (ipywidgets Accordion: 「もっと詳しく (技術者向け)」 around APDU
     traces and the GP-SE) is a button: focusable, aria-expanded, opened with Enter or Space. */
(function () {
  "use strict";
  var lastHome = null;
  var SVG = "http://www.w3.org/2000/svg";
  var JP = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff9f]/;
  //: a run of Japanese, which may hold digits, Latin letters and spaces between Japanese
  var JP_RUN = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff9f]+(?:[ 0-9A-Za-z().,/:~+\-]*[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff9f]+)*/g;

  function markJapanese(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      var el = n.parentElement;
      if (!el || !JP.test(n.data) || el.closest("script, style, textarea, option, title")) { continue; }
      var owner = el.closest("[lang]");
      if (owner && owner.getAttribute("lang").indexOf("ja") === 0) { continue; }
      nodes.push(n);
    }
    nodes.forEach(function (node) {
      var inSvg = node.parentElement.namespaceURI === SVG;
      var text = node.data, last = 0, frag = document.createDocumentFragment(), m;
      JP_RUN.lastIndex = 0;
      while ((m = JP_RUN.exec(text)) !== null) {
        if (m.index > last) { frag.appendChild(document.createTextNode(text.slice(last, m.index))); }
        var span = inSvg ? document.createElementNS(SVG, "tspan") : document.createElement("span");
        span.setAttribute("lang", "ja");
        span.textContent = m[0];
        frag.appendChild(span);
        last = m.index + m[0].length;
      }
      if (last < text.length) { frag.appendChild(document.createTextNode(text.slice(last))); }
      node.parentNode.replaceChild(frag, node);
    });
  }

  function wrapTables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("labkit-scroll")) {
        box = document.createElement("div");
        box.className = "labkit-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var ja = (table.closest("[lang]") || document.documentElement).getAttribute("lang") === "ja";
        var caption = table.querySelector("caption");
        var heads = Array.prototype.slice.call(table.querySelectorAll("th"), 0, 3)
          .map(function (th) { return th.textContent.trim(); }).filter(Boolean);
        var name = caption ? caption.textContent.trim() : heads.join(" / ");
        box.setAttribute("role", "region");
        box.setAttribute("tabindex", "0");
        box.setAttribute("aria-label", (ja ? "表 (横にスクロール): " : "Table (scrolls sideways): ") + name);
        box.dataset.labkitAuto = "1";
      } else if (!scrolls && box.dataset.labkitAuto) {
        ["role", "tabindex", "aria-label"].forEach(function (a) { box.removeAttribute(a); });
        delete box.dataset.labkitAuto;
      }
    });
  }

  function enhance() {
    var cells = document.getElementById("rendered_cells");
    if (cells && !cells.hasAttribute("role")) { cells.setAttribute("role", "main"); }
    if (cells) { wrapTables(cells); }
    // after the header has set the page's language (a Japanese page needs no marking)
    if (cells && cells.querySelector(".labkit-header") && document.documentElement.lang !== "ja") {
      markJapanese(cells);
    }
    document.querySelectorAll(".labkit-live:not([aria-live])").forEach(function (el) {
      el.setAttribute("aria-live", "polite");
      el.setAttribute("aria-atomic", "true");
    });
    document.querySelectorAll(".widget-toggle-button").forEach(function (b) {
      var pressed = String(b.classList.contains("mod-active"));
      if (b.getAttribute("aria-pressed") !== pressed) { b.setAttribute("aria-pressed", pressed); }
    });
    document.querySelectorAll(".jupyter-widget-Collapse-header").forEach(function (h) {
      if (!h.hasAttribute("role")) {
        h.setAttribute("role", "button");
        h.setAttribute("tabindex", "0");
        h.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); h.click(); }
        });
      }
      var open = String(h.parentElement.classList.contains("jupyter-widget-Collapse-open"));
      if (h.getAttribute("aria-expanded") !== open) { h.setAttribute("aria-expanded", open); }
    });
    recoverFocus();
    followScreens();
  }

  // The control that had the focus, and the widget (.labkit-focus-home) it was in.
  var lastFocused = null;
  function focusTitle(home) {
    var heading = home.querySelector(".labkit-focus-target");
    if (heading && document.activeElement !== heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function followScreens() {
    document.querySelectorAll(".labkit-focus-home").forEach(function (home) {
      var heading = home.querySelector(".labkit-focus-target");
      if (!heading) { return; }
      var screen = (heading.getAttribute("data-app") || "") + "/" + (heading.getAttribute("data-state") || "");
      var seen = home.getAttribute("data-labkit-screen");
      home.setAttribute("data-labkit-screen", screen);
      if (seen !== null && seen !== screen && home.contains(document.activeElement)) { focusTitle(home); }
    });
  }

  function recoverFocus() {
    var active = document.activeElement;
    if (active && active !== document.body) { return; }
    if (!lastFocused || (lastFocused.isConnected && !lastFocused.disabled)) { return; }
    if (lastHome && lastHome.isConnected) { focusTitle(lastHome); }
  }

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.closest) {
      lastFocused = target;
      lastHome = target.closest(".labkit-focus-home");
    }
  });
  document.addEventListener("focusout", function () {
    window.setTimeout(recoverFocus, 0);
  });

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; enhance(); });
  }
  window.addEventListener("resize", schedule);
  new MutationObserver(schedule).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                         attributeFilter: ["class", "disabled"]});
})();

// Quote links and copy buttons for turn and transcript pages.
//
// Progressive enhancement only. Without this file every link, citation and embed code is
// already text on the page, a quote link (?quote=…) is highlighted by the server, and the
// "Link to part of this answer" form makes quote links. This file adds:
//   - copy buttons (elements with data-copy="ID" copy the text of element ID);
//   - a small toolbar when a reader selects words inside one answer, with a link to exactly
//     that quote and buttons to copy it;
//   - scrolling to the highlighted quote when a quote link is opened;
//   - remembering which citation style the reader opened last (localStorage).
(function () {
  "use strict";

  var MAX_QUOTE = 2000;
  var MIN_QUOTE = 2;

  function canWriteClipboard() {
    return Boolean(navigator.clipboard && window.isSecureContext);
  }

  function canExecCopy() {
    try {
      return Boolean(document.queryCommandSupported && document.queryCommandSupported("copy"));
    } catch (error) {
      return false;
    }
  }

  // Copying through a temporary text area works where the Clipboard API is not allowed
  // (an address that is not https, an older browser).
  function execCopy(text) {
    var area = document.createElement("textarea");
    var focused = document.activeElement;
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    if (focused && focused.focus) {
      focused.focus();
    }
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function writePlain(text) {
    return navigator.clipboard.writeText(text).catch(function () {
      return execCopy(text);
    });
  }

  // Each way of copying falls back to the next: rich text, plain text, then the old
  // command (the Clipboard API refuses, for instance, while the page is not focused).
  function copy(text, html) {
    if (!canWriteClipboard()) {
      return execCopy(text);
    }
    if (html && window.ClipboardItem && navigator.clipboard.write) {
      // Rich text keeps the citation's italics when pasted into a word processor.
      try {
        var item = new window.ClipboardItem({
          "text/plain": new Blob([text], { type: "text/plain" }),
          "text/html": new Blob([html], { type: "text/html" })
        });
        return navigator.clipboard.write([item]).catch(function () {
          return writePlain(text);
        });
      } catch (error) {
        // Fall through to plain text.
      }
    }
    return writePlain(text);
  }

  function statusFor(element) {
    var box = element.closest(".share-box");
    return (box && box.querySelector(".copy-status")) || document.getElementById("quote-status");
  }

  function announce(element, message) {
    var status = statusFor(element);
    if (status) {
      status.textContent = "";
      // A fresh text node makes screen readers announce a repeated message again.
      window.setTimeout(function () { status.textContent = message; }, 30);
    }
  }

  function flash(button, label) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = label;
    window.clearTimeout(button._flashTimer);
    button._flashTimer = window.setTimeout(function () { button.textContent = original; }, 2000);
  }

  function textOf(element) {
    if ("value" in element && (element.tagName === "INPUT" || element.tagName === "TEXTAREA")) {
      return element.value;
    }
    return element.innerText.replace(/\s+/g, " ").trim();
  }

  function setUpCopyButtons() {
    if (!canWriteClipboard() && !canExecCopy()) {
      return;
    }
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var html = button.hasAttribute("data-copy-rich") ? target.innerHTML : null;
        copy(textOf(target), html).then(
          function () {
            flash(button, "Copied");
            announce(button, "Copied to the clipboard.");
          },
          function () {
            if (target.select) {
              target.select();
            }
            announce(button, "Could not copy; the text is selected, press Ctrl+C or Cmd+C.");
          }
        );
      });
    });
  }

  // ---- Quote links from a selection ------------------------------------------------

  function elementOf(node) {
    return node && (node.nodeType === 1 ? node : node.parentElement);
  }

  function textBlockOf(node) {
    var element = elementOf(node);
    return element ? element.closest(".turn .turn-text") : null;
  }

  function permalinkOf(turn) {
    var link = turn.querySelector("a.turn-number");
    if (!link) {
      return null;
    }
    var url = new URL(link.href, window.location.href);
    url.search = "";
    url.hash = "";
    return url;
  }

  function currentQuote() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var block = textBlockOf(range.startContainer);
    if (!block || block !== textBlockOf(range.endContainer)) {
      return null;
    }
    var text = selection.toString().replace(/\s+/g, " ").trim();
    if (text.length < MIN_QUOTE || text.length > MAX_QUOTE) {
      return null;
    }
    var turn = block.closest(".turn");
    var url = permalinkOf(turn);
    if (!url) {
      return null;
    }
    url.searchParams.set("quote", text);
    url.hash = turn.id;
    return { text: text, url: url.toString(), turn: turn, block: block, rect: range.getBoundingClientRect() };
  }

  function citationFor(turn) {
    var box = document.querySelector(".share-box[data-citation][data-anchor]");
    if (box && box.getAttribute("data-anchor") === turn.id) {
      return box.getAttribute("data-citation");
    }
    return "";
  }

  var toolbar = null;
  var shown = null;

  function buildToolbar() {
    toolbar = document.createElement("div");
    toolbar.className = "quote-toolbar";
    toolbar.setAttribute("role", "group");
    toolbar.setAttribute("aria-label", "Selected quote");
    toolbar.hidden = true;
    toolbar.innerHTML =
      '<a class="quote-toolbar-link" href="#">Link to this quote</a>' +
      '<button type="button" class="quote-toolbar-copy">Copy quote link</button>' +
      '<button type="button" class="quote-toolbar-cite">Copy quote with citation</button>' +
      '<span class="visually-hidden" role="status" id="quote-status"></span>';
    // Keep the selection when a toolbar button is pressed with the mouse.
    toolbar.addEventListener("mousedown", function (event) {
      if (event.target.tagName === "BUTTON") {
        event.preventDefault();
      }
    });
    toolbar.querySelector(".quote-toolbar-copy").addEventListener("click", function (event) {
      if (!shown) {
        return;
      }
      var button = event.currentTarget;
      copy(shown.url).then(function () {
        flash(button, "Copied");
        announce(button, "Quote link copied.");
      }, function () {
        announce(button, "Could not copy; open the link and copy it from the address bar.");
      });
    });
    toolbar.querySelector(".quote-toolbar-cite").addEventListener("click", function (event) {
      if (!shown) {
        return;
      }
      var button = event.currentTarget;
      var text = "\u201c" + shown.text + "\u201d\n\n" + (citationFor(shown.turn) || shown.url);
      copy(text).then(function () {
        flash(button, "Copied");
        announce(button, "Quote and citation copied.");
      }, function () {
        announce(button, "Could not copy.");
      });
    });
    toolbar.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hideToolbar();
      }
    });
  }

  function showToolbar(quote) {
    if (!toolbar) {
      buildToolbar();
    }
    shown = quote;
    toolbar.querySelector(".quote-toolbar-link").href = quote.url;
    toolbar.querySelector(".quote-toolbar-cite").hidden = !citationFor(quote.turn);
    // Right after the answer's text, so Tab from the selection reaches the toolbar next.
    if (toolbar.previousElementSibling !== quote.block) {
      quote.block.insertAdjacentElement("afterend", toolbar);
    }
    toolbar.hidden = false;
    var parent = toolbar.offsetParent || document.body;
    var parentBox = parent.getBoundingClientRect();
    var left = Math.max(0, quote.rect.left - parentBox.left);
    var room = parent.clientWidth - toolbar.offsetWidth;
    toolbar.style.left = Math.max(0, Math.min(left, room)) + "px";
    toolbar.style.top = quote.rect.bottom - parentBox.top + 6 + "px";
    var input = document.getElementById("quote-input");
    if (input && citationFor(quote.turn)) {
      input.value = quote.text;
    }
  }

  function hideToolbar() {
    if (toolbar) {
      toolbar.hidden = true;
    }
    shown = null;
  }

  function onSelectionMaybeDone() {
    var quote = currentQuote();
    if (quote) {
      showToolbar(quote);
    } else if (!(toolbar && toolbar.contains(document.activeElement))) {
      hideToolbar();
    }
  }

  function setUpSelection() {
    if (!document.querySelector(".turn .turn-text") || !window.URL) {
      return;
    }
    var timer = null;
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(onSelectionMaybeDone, 120);
    }
    document.addEventListener("mouseup", later);
    document.addEventListener("touchend", later);
    document.addEventListener("keyup", function (event) {
      if (event.key === "Escape") {
        hideToolbar();
        return;
      }
      if (event.shiftKey || event.key === "Shift") {
        later();
      }
    });
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (selection && selection.isCollapsed && !(toolbar && toolbar.contains(document.activeElement))) {
        hideToolbar();
      }
    });
  }

  // ---- Opening a quote link ------------------------------------------------------------

  function revealQuote() {
    var mark = document.querySelector("mark.quote-mark");
    var target = mark || document.querySelector(".quote-missing");
    if (!target) {
      return;
    }
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.requestAnimationFrame(function () {
      target.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
    });
  }

  // ---- The citation style a reader chose ------------------------------------------------

  // Without the script the first style is open and any other is one click away; with it,
  // the style last opened is the one open on the next page too.
  var STYLE_KEY = "archive.citationStyle";

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage refused (private mode, blocked cookies)
    }
  }

  function setUpCitationStyles() {
    var store = storage();
    var styles = document.querySelectorAll("details.citation[data-style]");
    if (!store || !styles.length) {
      return;
    }
    var chosen = store.getItem(STYLE_KEY);
    styles.forEach(function (details) {
      if (chosen && details.getAttribute("data-style") === chosen) {
        details.open = true;
      }
    });
    styles.forEach(function (details) {
      if (chosen && details.getAttribute("data-style") !== chosen && details.open) {
        details.open = false;
      }
      details.addEventListener("toggle", function () {
        if (details.open) {
          store.setItem(STYLE_KEY, details.getAttribute("data-style"));
        }
      });
    });
  }

  function start() {
    setUpCitationStyles();
    setUpCopyButtons();
    setUpSelection();
    revealQuote();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
